import { SessionLockTimeoutError } from '../errors.js';
import type { SessionLogger } from '../logger.js';
import type { SessionKey } from '../store-kit/session-store.js';
import type { LockBackend } from '../store-kit/shared-session-locks.js';
import { acquireLockFile, type ReleaseLockFile, releaseLockFile, tryTakeLockFile } from './lock-file.js';

/**
 * A write holds its lock for well under a millisecond (one synchronous read, write and rename); a
 * lock older than this belongs to a process that died or hung mid-write and is taken over.
 */
const WRITE_LEASE_MS = 10_000;
/** Longer than the lease, so that a dead writer's lock is always taken over before a write gives up. */
const WRITE_LOCK_WAIT_MS = 15_000;

/**
 * The `<key>.lock` files that make read-modify-write of a session file safe across processes. This
 * process's own changes of a key are queued (and batched) by the store's WriteBatcher before they
 * get here, so they never poll the lock file against each other.
 */
export class WriteLocks {
  /** Lock files of this process that could not be removed (the disk failed mid-write), by path. */
  readonly #leftBehind = new Map<string, ReleaseLockFile>();

  constructor(readonly logger: SessionLogger) {}

  /**
   * Takes the lock file at `lockPath`. The release it resolves to never throws: the change is
   * done by then, so a lock file that cannot be removed is logged and removed by the next take.
   */
  async take(lockPath: string): Promise<() => void> {
    // Our own lock file from a failed release: remove it now rather than wait out its lease.
    this.#removeLeftBehind(lockPath);
    const releaseFile = await acquireLockFile(lockPath, WRITE_LOCK_WAIT_MS, WRITE_LEASE_MS).catch(
      writeLockFailure(lockPath),
    );
    return () => {
      try {
        releaseFile();
      } catch (error) {
        this.#leftBehind.set(lockPath, releaseFile);
        const reason = error instanceof Error ? error.message : String(error);
        this.logger.warn(`[tina4-session] file store: could not remove ${lockPath}: ${reason}`);
      }
    };
  }

  #removeLeftBehind(lockPath: string): void {
    const release = this.#leftBehind.get(lockPath);
    if (!release) return;
    try {
      release();
      this.#leftBehind.delete(lockPath);
    } catch {
      // Still failing: taking the lock below fails or waits, as for any other process's lock.
    }
  }
}

/**
 * The `sess-<key>.session-lock` files of `TINA4_SESSION_LOCK`, held for a whole request, as the
 * lock backend of the core's SharedSessionLocks (which queues this process's own requests first).
 * Each attempt is synchronous, like the write locks'.
 */
export class SessionLockFiles implements LockBackend {
  constructor(readonly pathOf: (key: SessionKey) => string) {}

  async tryTake(key: SessionKey, token: string, leaseMs: number): Promise<boolean> {
    return tryTakeLockFile(this.pathOf(key), token, leaseMs);
  }

  async release(key: SessionKey, token: string): Promise<void> {
    releaseLockFile(this.pathOf(key), token);
  }
}

/** A write lock that cannot be had is a store failure (a 503), not a session lock timeout. */
function writeLockFailure(lockPath: string): (error: unknown) => never {
  return (error) => {
    if (!(error instanceof SessionLockTimeoutError)) throw error;
    throw new Error(
      `Timed out after ${WRITE_LOCK_WAIT_MS} ms waiting for the write lock ${lockPath}: other processes keep ` +
        `taking it. (A lock left by a process that died is taken over after ${WRITE_LEASE_MS} ms.)`,
      { cause: error },
    );
  };
}
