import { randomBytes } from 'node:crypto';
import { KeyedMutex } from './keyed-mutex.js';
import { pollForLock } from './poll-lock.js';
import type { ReleaseSessionLock, SessionKey, SessionLockOptions } from './session-store.js';

/** How a backend takes and gives back one session's lock: an atomic "take if free", with a token. */
export interface LockBackend {
  /**
   * Takes the lock for `token` unless another holder's lease is still running (an expired lease
   * is taken over). Resolves whether it was taken.
   */
  tryTake(key: SessionKey, token: string, leaseMs: number): Promise<boolean>;
  /** Gives the lock back, but only while `token` still holds it (a holder past its lease must not free its successor's lock). */
  release(key: SessionKey, token: string): Promise<void>;
}

/**
 * `TINA4_SESSION_LOCK` for stores whose backend is shared between processes (Redis, SQL, MongoDB).
 * This process's requests of a session queue in a {@link KeyedMutex} first, so that they are served
 * in arrival order and only one of them at a time polls the backend; the one at the head then polls
 * {@link LockBackend.tryTake} until it wins or the wait is over ({@link SessionLockTimeoutError}).
 */
export class SharedSessionLocks {
  readonly #local = new KeyedMutex();

  constructor(readonly backend: LockBackend) {}

  async acquire(key: SessionKey, { waitMs, leaseMs }: SessionLockOptions): Promise<ReleaseSessionLock> {
    const deadline = Date.now() + waitMs;
    const releaseLocal = await this.#local.acquire(key, waitMs);
    const token = randomBytes(16).toString('hex');
    try {
      await pollForLock(() => this.backend.tryTake(key, token, leaseMs), Math.max(0, deadline - Date.now()));
    } catch (error) {
      await releaseLocal();
      throw error;
    }
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      try {
        await this.backend.release(key, token);
      } finally {
        await releaseLocal();
      }
    };
  }
}
