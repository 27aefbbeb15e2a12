import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { pollForLock } from '../store-kit/poll-lock.js';
import { errorCode, removeFileSync } from './file-system.js';

/**
 * Releases a lock file taken by {@link acquireLockFile}. Synchronous, like taking it (see
 * `session-file.ts` on why); throws when the file cannot be removed.
 */
export type ReleaseLockFile = () => void;

/**
 * A lock file whose lease cannot be read (its holder died between creating and writing it) is
 * counted as ending this long after the file's modification time.
 */
const UNREADABLE_LEASE_MS = 10_000;

/**
 * Takes the lock file at `path`, waiting up to `waitMs` (then rejects with the core's
 * SessionLockTimeoutError, from {@link pollForLock}). Creates the directory (mode 0700) when it
 * is missing: taking the lock is the first thing every change to a session does, so the store
 * needs no directory check on every write.
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
 *
 * Each attempt is synchronous (a free lock is taken without leaving the current tick); only the
 * wait between attempts is asynchronous.
 */
export async function acquireLockFile(
  path: string,
  waitMs: number,
  leaseMs: number,
): Promise<ReleaseLockFile> {
  const token = randomBytes(16).toString('hex');
  // The common case, a free lock, without the polling loop's promises.
  if (!tryTakeLockFile(path, token, leaseMs)) {
    await pollForLock(async () => tryTakeLockFile(path, token, leaseMs), waitMs);
  }
  return () => releaseLockFile(path, token);
}

/**
 * One attempt at the lock file at `path` for `token` (see {@link acquireLockFile} for the
 * protocol): true when taken. A lease that has run out is removed and the lock taken over.
 */
export function tryTakeLockFile(path: string, token: string, leaseMs: number): boolean {
  // A second attempt right away when the first found a dead lease and removed it.
  for (let attempt = 0; attempt < 2; attempt++) {
    const lease = JSON.stringify({ expiresAt: Date.now() + leaseMs, token });
    if (createExclusive(path, lease)) return true;
    if (!removeLockIfStale(path)) return false;
  }
  return false;
}

/**
 * Takes the lock file at `path` by creating it with `content`, in one call: true when created, false
 * when it exists (someone holds the lock). The file store's writes put the new record in it and
 * then rename it over the record, which releases the lock in the same step (see
 * `commit-session-file.ts`); other holders follow {@link acquireLockFile}'s protocol, and a waiter
 * that finds no lease in the file counts the lock as live until its modification time is
 * `UNREADABLE_LEASE_MS` old. Creates the directory when it is missing.
 */
export function createLockFileWith(path: string, content: string): boolean {
  for (let attempt = 0; ; attempt++) {
    try {
      // 'wx': exclusive (O_CREAT|O_EXCL); 0o600: the content is a session. The explicit encoding
      // takes Node's one-call native path for strings.
      writeFileSync(path, content, { encoding: 'utf8', flag: 'wx', mode: 0o600 });
      return true;
    } catch (error) {
      const code = errorCode(error);
      if (code === 'EEXIST') return false;
      if (code === 'ENOENT' && attempt === 0) {
        // No directory: the first change ever, or someone removed it. Once, then errors are errors.
        mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
        continue;
      }
      if (code === undefined || !FAILED_BEFORE_CREATING.has(code)) removeIfPartlyWritten(path, content);
      throw error;
    }
  }
}

/** Errors of `open` itself: the file was not created, so there is nothing of ours to clean up. */
const FAILED_BEFORE_CREATING = new Set([
  'EACCES',
  'EPERM',
  'EROFS',
  'EMFILE',
  'ENFILE',
  'ENAMETOOLONG',
  'ENOTDIR',
  'EISDIR',
  'ELOOP',
  'ENOENT',
]);

/**
 * After a create that failed with an error the write can give (a full disk: the file was created,
 * then nothing fitted in it): removes the file when it holds the start of `content` (nothing, or
 * part of it), so that the next write finds the lock free rather than waiting for it to go stale.
 * The file cannot be a lock another process held before: the create would then have failed with
 * EEXIST. (Only a create of the same name by another process in the instant between a failed
 * `open` and this look could be mistaken for ours, which needs the disk to be out of inodes.)
 */
function removeIfPartlyWritten(path: string, content: string): void {
  bestEffort(() => {
    if (content.startsWith(readFileSync(path, 'utf8'))) removeFileSync(path);
  });
}

/** Removes the lock file at `path` if `token` still holds it (a holder past its lease must not free its successor's lock). */
export function releaseLockFile(path: string, token: string): void {
  if (readLease(path)?.token === token) removeFileSync(path);
}

/**
 * Removes the lock file at `path` when its lease ended more than `graceMs` ago. Returns true when
 * the file is gone (removed here or already absent), false while the lock is live.
 */
export function removeLockIfStale(path: string, graceMs = 0): boolean {
  let leaseEnd: number;
  try {
    // No readable lease: the file is gone (stat says ENOENT) or its holder is still writing it.
    leaseEnd = readLease(path)?.expiresAt ?? statSync(path).mtimeMs + UNREADABLE_LEASE_MS;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return true;
    throw error;
  }
  if (leaseEnd + graceMs > Date.now()) return false;
  removeFileSync(path);
  return true;
}

/**
 * Creates `path` with `content` unless it exists; creates the directory when it is missing. A file
 * that could not be written is removed. (`openSync` + `writeSync` rather than one `writeFileSync`:
 * same cost, but a failure is known to come from the create, when the file may be someone else's,
 * or from the write, when it is ours to remove.)
 */
function createExclusive(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    if (errorCode(error) !== 'ENOENT') throw error;
    // No directory: the first change ever, or someone removed it. Once, then errors are errors.
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (retryError) {
      if (errorCode(retryError) === 'EEXIST') return false;
      throw retryError;
    }
  }
  try {
    if (writeSync(fd, content) !== Buffer.byteLength(content)) {
      throw new Error(`Could not write the whole lease to ${path} (is the disk full?).`);
    }
  } catch (error) {
    // Best effort: the write's error is the one to report; a leftover file counts as a dead lock.
    bestEffort(() => closeSync(fd));
    bestEffort(() => removeFileSync(path));
    throw error;
  }
  closeSync(fd);
  return true;
}

function bestEffort(cleanup: () => void): void {
  try {
    cleanup();
  } catch {
    // Reported by the caller's own error.
  }
}

/** The lease recorded in a lock file; undefined when the file is gone or not (yet) a complete lease. */
function readLease(path: string): { expiresAt: number; token: string } | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
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
