/** One request of a load run: when it started and ended, and how it was answered. */
export interface LoadSample {
  readonly worker: number;
  readonly startedAt: number;
  readonly endedAt: number;
  /** The HTTP status, or `network-error` when no response arrived. */
  readonly status: number | 'network-error';
}

export interface LoadOptions {
  /** Requests in all, unless {@link keepGoing} asks for more. */
  readonly total: number;
  /**
   * Called when `total` requests have been sent: true sends more (until {@link maxTotal}), e.g.
   * until enough requests have run after a recovery.
   */
  keepGoing?(): boolean;
  /** Hard bound on the requests sent (default `total`). */
  readonly maxTotal?: number;
  /** Workers sending in parallel; each sends one request at a time. */
  readonly concurrency: number;
  /** Sends request number `sequence` for `worker` and resolves its status. */
  request(worker: number, sequence: number): Promise<number>;
  /** Called after every response (to stage an outage at the right moment). */
  onResponse?(sample: LoadSample, done: number): void;
}

/**
 * A bounded load without a load-testing tool: `concurrency` workers each loop until `total`
 * requests have been sent (or more, see {@link LoadOptions.keepGoing}, never above `maxTotal`).
 * Network errors are counted, not thrown.
 */
export async function runLoad(options: LoadOptions): Promise<LoadSample[]> {
  const samples: LoadSample[] = [];
  const maxTotal = Math.max(options.total, options.maxTotal ?? options.total);
  let issued = 0;
  const more = (): boolean =>
    issued < options.total || (issued < maxTotal && (options.keepGoing?.() ?? false));
  const worker = async (id: number): Promise<void> => {
    while (more()) {
      const sequence = issued++;
      const startedAt = performance.now();
      let status: LoadSample['status'];
      try {
        status = await options.request(id, sequence);
      } catch {
        status = 'network-error';
      }
      const sample = { worker: id, startedAt, endedAt: performance.now(), status };
      samples.push(sample);
      options.onResponse?.(sample, samples.length);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, id) => worker(id)));
  return samples;
}
