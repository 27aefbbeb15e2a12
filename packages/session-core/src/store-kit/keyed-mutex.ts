import { SessionLockTimeoutError } from '../errors.js';
import type { ReleaseSessionLock } from './session-store.js';

/**
 * In-process mutual exclusion per key, first come first served, with a bounded wait and a lease.
 * Used by the memory store, and by stores that also lock across processes to queue this process's
 * own requests before they contend with other processes.
 *
 * A holder that keeps its turn past `leaseMs` (a response that streams for hours, a handler that
 * never ends) loses it: the next waiter goes in, as another process would once the backend's own
 * lease ran out. Its release then does nothing.
 */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<void>>();

  async acquire(
    key: string,
    waitMs: number,
    leaseMs = Number.POSITIVE_INFINITY,
  ): Promise<ReleaseSessionLock> {
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

    let leaseTimer: NodeJS.Timeout | undefined;
    let released = false;
    const release = async (): Promise<void> => {
      if (released) return;
      released = true;
      clearTimeout(leaseTimer);
      releaseThis();
    };

    let waitTimer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      waitTimer = setTimeout(() => resolve('timeout'), waitMs);
    });
    const outcome = await Promise.race([previous.then(() => 'acquired' as const), timedOut]);
    clearTimeout(waitTimer);
    if (outcome === 'timeout') {
      // Our turn may still come; pass it straight on so the queue keeps moving.
      void release();
      throw new SessionLockTimeoutError(waitMs);
    }
    if (Number.isFinite(leaseMs)) {
      leaseTimer = setTimeout(() => void release(), leaseMs);
      // The lease must never keep a process alive that has nothing else to do.
      leaseTimer.unref();
    }
    return release;
  }
}
