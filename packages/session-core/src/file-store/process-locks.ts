import { setTimeout as sleep } from 'node:timers/promises';
import { SessionLockTimeoutError } from '../errors.js';
import type { SessionLogger } from '../logger.js';
import type { SessionKey } from '../store-kit/session-store.js';
import type { LockBackend } from '../store-kit/shared-session-locks.js';
import {
  acquireLockFile,
  type ReleaseLockFile,
  releaseLockFile,
  removeLockIfStale,
  tryTakeLockFile,
} from './lock-file.js';

/**
 * A write holds its lock for well under a millisecond (one synchronous read, write and rename); a
 * lock older than this belongs to a process that died or hung mid-write and is taken over.
 */
const WRITE_LEASE_MS = 10_000;
/** Longer than the lease, so that a dead writer's lock is always taken over before a write gives up. */
const WRITE_LOCK_WAIT_MS = 15_000;

/**
 * Between two attempts of a write at the lock file at `lockPath`, which another process holds: a
 * lock whose holder died (its lease ran out) is removed and the write tries again at once;
 * otherwise it waits a short, jittered pause that grows while the lock stays taken (a write holds
 * it for microseconds, so most waits end at the first retry). Rejects once the write has waited
 * since `since` (epoch ms) for longer than `WRITE_LOCK_WAIT_MS`.
 */
export async function waitForWriteLock(lockPath: string, since: number): Promise<void> {
  if (removeLockIfStale(lockPath)) return;
  const waited = Date.now() - since;
  if (waited >= WRITE_LOCK_WAIT_MS)
    throw writeLockTimeout(lockPath, new SessionLockTimeoutError(WRITE_LOCK_WAIT_MS));
  const pauseMs = Math.min(50, 2 + waited / 4) * (0.5 + Math.random());
  await sleep(Math.min(pauseMs, WRITE_LOCK_WAIT_MS - waited));
}

/**
 * The `<key>.lock` files that make read-modify-write of a session file safe across processes, held
 * with a lease and a token (see `acquireLockFile`) by code that needs a session file to stay as it
 * is for a while. The store's writes take the same lock file in one step with the new record in it
 * (see `commit-session-file.ts`): the two exclude each other.
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
    throw writeLockTimeout(lockPath, error);
  };
}

function writeLockTimeout(lockPath: string, cause: SessionLockTimeoutError): Error {
  return new Error(
    `Timed out after ${WRITE_LOCK_WAIT_MS} ms waiting for the write lock ${lockPath}: other processes keep ` +
      `taking it. (A lock left by a process that died is taken over after ${WRITE_LEASE_MS} ms.)`,
    { cause },
  );
}
