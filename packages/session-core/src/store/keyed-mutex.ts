import { SessionLockTimeoutError } from '../errors.js';
import type { ReleaseSessionLock } from './session-store.js';

/**
 * In-process mutual exclusion per key, first come first served, with a bounded wait. Used by the
 * memory store, and by stores that also lock across processes to queue this process's own
 * requests before they contend with other processes.
 */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<void>>();

  async acquire(key: string, waitMs: number): Promise<ReleaseSessionLock> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let releaseThis!: () => void;
    const current = new Promise<void>((resolve) => {
      releaseThis = resolve;
    });
    const tail = previous.then(() => current);
    this.#tails.set(key, tail);
    // Forget the key once the whole queue behind it has drained (not earlier: a waiter that gave up
    // must not let a newcomer past a holder that is still working).
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });

    let released = false;
    const release = async (): Promise<void> => {
      if (released) return;
      released = true;
      releaseThis();
    };

    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), waitMs);
    });
    const outcome = await Promise.race([previous.then(() => 'acquired' as const), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      // Our turn may still come; pass it straight on so the queue keeps moving.
      void release();
      throw new SessionLockTimeoutError(waitMs);
    }
    return release;
  }
}
