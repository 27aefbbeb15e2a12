import { randomBytes } from 'node:crypto';
import { open, readFile, stat } from 'node:fs/promises';
import { pollForLock } from '../../store/poll-lock.js';
import { errorCode, removeFile } from './file-system.js';

/** Releases a lock file taken by {@link acquireLockFile}. */
export type ReleaseLockFile = () => Promise<void>;

/**
 * A lock file whose lease cannot be read (its holder died between creating and writing it) is
 * counted as ending this long after the file's modification time.
 */
const UNREADABLE_LEASE_MS = 10_000;

/**
 * Takes the lock file at `path`, waiting up to `waitMs` (then rejects with the core's
 * SessionLockTimeoutError, from {@link pollForLock}).
 *
 * The protocol every process sharing the directory follows:
 * - The lock belongs to whoever creates the file: an exclusive create (`'wx'`, O_CREAT|O_EXCL) is
 *   atomic on local filesystems, so exactly one contender wins.
 * - The file holds `{ expiresAt, token }`: when the holder's lease ends, and who the holder is.
 * - A waiter that finds a lease that has run out removes the file (its holder crashed or hung) and
 *   tries again. Two waiters that find the same dead lease in the same instant can both succeed;
 *   that needs a holder to have died first and is the accepted cost of a lock without a server.
 * - Release removes the file only while it still holds the holder's token: a holder that overran
 *   its lease must not remove the lock of the process that took over.
 */
export async function acquireLockFile(
  path: string,
  waitMs: number,
  leaseMs: number,
): Promise<ReleaseLockFile> {
  const token = randomBytes(16).toString('hex');
  const tryAcquire = async (): Promise<boolean> => {
    // A second attempt right away when the first found a dead lease and removed it.
    for (let attempt = 0; attempt < 2; attempt++) {
      const lease = JSON.stringify({ expiresAt: Date.now() + leaseMs, token });
      if (await createExclusive(path, lease)) return true;
      if (!(await removeLockIfStale(path))) return false;
    }
    return false;
  };
  await pollForLock(tryAcquire, waitMs);
  return async () => {
    if ((await readLease(path))?.token === token) await removeFile(path);
  };
}

/**
 * Removes the lock file at `path` when its lease ended more than `graceMs` ago. Resolves true when
 * the file is gone (removed here or already absent), false while the lock is live.
 */
export async function removeLockIfStale(path: string, graceMs = 0): Promise<boolean> {
  let leaseEnd: number;
  try {
    // No readable lease: the file is gone (stat says ENOENT) or its holder is still writing it.
    leaseEnd = (await readLease(path))?.expiresAt ?? (await stat(path)).mtimeMs + UNREADABLE_LEASE_MS;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return true;
    throw error;
  }
  if (leaseEnd + graceMs > Date.now()) return false;
  await removeFile(path);
  return true;
}

/** Creates `path` with `content` unless it exists. A file that could not be written is removed. */
async function createExclusive(path: string, content: string): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(content);
  } catch (error) {
    await handle.close().catch(() => {});
    await removeFile(path).catch(() => {});
    throw error;
  }
  await handle.close();
  return true;
}

/** The lease recorded in a lock file; undefined when the file is gone or not (yet) a complete lease. */
async function readLease(path: string): Promise<{ expiresAt: number; token: string } | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const lease = JSON.parse(text) as { expiresAt?: unknown; token?: unknown };
    if (typeof lease.expiresAt === 'number' && typeof lease.token === 'string') {
      return { expiresAt: lease.expiresAt, token: lease.token };
    }
  } catch {
    // Fall through: not (yet) a complete lease.
  }
  return undefined;
}
