import type { SessionLogger } from '@tina4/session-core';

export interface ReaperOptions {
  /** Deletes what has expired. */
  readonly reap: () => Promise<void>;
  /** Milliseconds between reaps (0: none on a timer). */
  readonly intervalMs: number;
  /** Chance (0 to 1) that a write starts a reap in the background. */
  readonly probability: number;
  readonly logger: SessionLogger;
}

export interface Reaper {
  /** Called after each write: maybe starts a reap, never waits for it. */
  afterWrite(): void;
  /** Stops the timer and waits for a running reap. */
  stop(): Promise<void>;
}

/**
 * Deletes expired sessions off the request path: on an unref'd timer (it never keeps the process
 * alive) and/or, by chance, after a write. One reap at a time; a failing reap is reported once,
 * and again when reaping works again, instead of once per attempt.
 */
export function startReaper({ reap, intervalMs, probability, logger }: ReaperOptions): Reaper {
  let running: Promise<void> | undefined;
  let failing = false;

  const run = (): void => {
    if (running) return;
    running = reap()
      .then(
        () => {
          if (failing) logger.warn('[tina4-session] database store: reaping expired sessions works again.');
          failing = false;
        },
        (error: unknown) => {
          if (!failing) {
            const reason = error instanceof Error ? error.message : String(error);
            logger.warn(`[tina4-session] database store could not delete expired sessions: ${reason}`);
          }
          failing = true;
        },
      )
      .finally(() => {
        running = undefined;
      });
  };

  const timer = intervalMs > 0 ? setInterval(run, intervalMs) : undefined;
  timer?.unref();

  return {
    afterWrite() {
      if (probability > 0 && Math.random() < probability) run();
    },
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
