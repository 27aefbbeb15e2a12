/** Releases a write lock taken with `WriteLocks.take` (outside the batcher). Must not throw. */
export type ReleaseBatchLock = () => void;

/** What {@link WriteBatcherOptions.commit} returns when another process holds the key's lock. */
export const LOCKED_ELSEWHERE: unique symbol = Symbol('locked elsewhere');

export interface WriteBatcherOptions<Operation, Result> {
  /**
   * Applies `operations`, in the order they were submitted, as one change under the key's lock,
   * and returns each one's result; or {@link LOCKED_ELSEWHERE}, having done nothing, when another
   * process holds the lock. Synchronous: nothing can join a batch while it is being committed.
   */
  commit(key: string, operations: readonly Operation[]): readonly Result[] | typeof LOCKED_ELSEWHERE;
  /**
   * Waits before the next attempt at a lock that another process holds (breaking it if its holder
   * died); rejects once the batch has waited since `since` (epoch ms) for longer than it may.
   */
  waitForLock(key: string, since: number): Promise<void>;
}

interface Submitted<Operation, Result> {
  readonly operation: Operation;
  readonly resolve: (result: Result) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit per key. An operation submitted while a batch of its key is still waiting (for the
 * next turn of the event loop, or for the lock that another process holds) joins that batch: one
 * commit for all of them, whose promises then settle together (each with its own result, or all
 * with the same error). Batches of one key never overlap, so this also queues the process's own
 * changes of a key in arrival order (no polling of the lock file against ourselves).
 *
 * The first operation of a batch waits for the next turn of the event loop (`setImmediate`) before
 * the commit: the commit itself is synchronous, so without that pause nothing would ever queue
 * behind it, and the concurrent requests that a busy server reads in one turn would each pay for a
 * commit of their own. (In `pnpm bench`, 10 connections writing one session commit ~9 changes per
 * batch.)
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
    /** When the batch found the lock taken by another process (undefined: it has not). */
    let waitingSince: number | undefined;
    while (queue.length > 0) {
      let results: readonly Result[] | typeof LOCKED_ELSEWHERE;
      try {
        results = this.#options.commit(
          key,
          queue.map((submitted) => submitted.operation),
        );
      } catch (error) {
        for (const submitted of queue.splice(0)) submitted.reject(error);
        waitingSince = undefined;
        continue;
      }
      if (results === LOCKED_ELSEWHERE) {
        waitingSince ??= Date.now();
        try {
          // Whatever arrives meanwhile joins the batch for the next attempt.
          await this.#options.waitForLock(key, waitingSince);
        } catch (error) {
          // Everyone who waited for this lock gets its error.
          for (const submitted of queue.splice(0)) submitted.reject(error);
          waitingSince = undefined;
        }
        continue;
      }
      waitingSince = undefined;
      queue.splice(0).forEach((submitted, index) => {
        submitted.resolve(results[index] as Result);
      });
    }
    this.#queues.delete(key);
  }
}
