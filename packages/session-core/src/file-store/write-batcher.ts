/** Releases the lock taken for a batch. Must not throw (report failures itself). */
export type ReleaseBatchLock = () => void;

export interface WriteBatcherOptions<Operation, Result> {
  /** Takes the key's lock; may wait (another process holds it). */
  lock(key: string): Promise<ReleaseBatchLock>;
  /**
   * Applies `operations`, in the order they were submitted, as one change under the lock, and
   * returns each one's result (synchronous: nothing can join a batch once it is being committed).
   */
  commit(key: string, operations: readonly Operation[]): readonly Result[];
}

interface Submitted<Operation, Result> {
  readonly operation: Operation;
  readonly resolve: (result: Result) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit per key. An operation submitted while a batch of its key is still waiting (for the
 * next turn of the event loop, or for the lock that another process holds) joins that batch: one
 * lock, one commit for all of them, whose promises then settle together (each with its own result,
 * or all with the same error). Batches of one key never overlap, so this also queues the process's
 * own changes of a key in arrival order (no polling of the lock file against ourselves).
 *
 * The first operation of a batch waits for the next turn of the event loop (`setImmediate`) before
 * the lock is taken: the commit itself is synchronous, so without that pause nothing would ever
 * queue behind it, and the concurrent requests that a busy server reads in one turn would each
 * pay for a lock, a read, a temporary file and a rename of their own. (In `pnpm bench`, 10
 * connections writing one session commit ~9 changes per batch.)
 */
export class WriteBatcher<Operation, Result> {
  readonly #options: WriteBatcherOptions<Operation, Result>;
  /** Operations of keys with a batch in progress; a key is present exactly while one is. */
  readonly #queues = new Map<string, Submitted<Operation, Result>[]>();

  constructor(options: WriteBatcherOptions<Operation, Result>) {
    this.#options = options;
  }

  /** Resolves with `operation`'s result once it is committed; rejects with its batch's error. */
  submit(key: string, operation: Operation): Promise<Result> {
    return new Promise((resolve, reject) => {
      const queue = this.#queues.get(key);
      if (queue) {
        queue.push({ operation, resolve, reject });
        return;
      }
      this.#queues.set(key, [{ operation, resolve, reject }]);
      setImmediate(() => void this.#drain(key));
    });
  }

  async #drain(key: string): Promise<void> {
    const queue = this.#queues.get(key)!;
    while (queue.length > 0) {
      let release: ReleaseBatchLock;
      try {
        release = await this.#options.lock(key);
      } catch (error) {
        // Everyone who waited for this lock gets its error.
        for (const submitted of queue.splice(0)) submitted.reject(error);
        continue;
      }
      // Taken only now: whatever arrived while the lock was awaited is part of this batch.
      const batch = queue.splice(0);
      let results: readonly Result[] | undefined;
      let failure: { error: unknown } | undefined;
      try {
        results = this.#options.commit(
          key,
          batch.map((submitted) => submitted.operation),
        );
      } catch (error) {
        failure = { error };
      } finally {
        release();
      }
      batch.forEach((submitted, index) => {
        if (failure) submitted.reject(failure.error);
        else submitted.resolve(results![index] as Result);
      });
    }
    this.#queues.delete(key);
  }
}
