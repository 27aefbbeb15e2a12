import { randomBytes } from 'node:crypto';
import { isSessionError, SessionLockTimeoutError } from '../errors.js';
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
 * `TINA4_SESSION_LOCK` for stores that keep their locks outside the process (Redis, SQL, MongoDB,
 * lock files). This process's requests of a session queue in a {@link KeyedMutex} first, so that
 * they are served in arrival order and only one of them at a time polls the backend; the one at the
 * head then polls {@link LockBackend.tryTake} until it wins or the caller's wait is over
 * ({@link SessionLockTimeoutError} with that wait). The in-process turn has the same lease as the
 * backend's lock, so a holder that never releases blocks this process no longer than others.
 */
export class SharedSessionLocks {
  readonly #local = new KeyedMutex();

  constructor(readonly backend: LockBackend) {}

  async acquire(key: SessionKey, { waitMs, leaseMs }: SessionLockOptions): Promise<ReleaseSessionLock> {
    const deadline = Date.now() + waitMs;
    const releaseLocal = await this.#local.acquire(key, waitMs, leaseMs);
    const token = randomBytes(16).toString('hex');
    try {
      await pollForLock(() => this.backend.tryTake(key, token, leaseMs), Math.max(0, deadline - Date.now()));
    } catch (error) {
      await releaseLocal();
      // Report the wait the caller asked for, not the part of it that was left for the backend.
      throw isSessionError(error, 'E_SESSION_LOCK_TIMEOUT') ? new SessionLockTimeoutError(waitMs) : error;
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
