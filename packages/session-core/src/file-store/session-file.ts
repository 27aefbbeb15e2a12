import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { SessionFields } from '../store-kit/session-store.js';
import { TEMP_SUFFIX } from './file-names.js';
import { errorCode, removeFileSync } from './file-system.js';

/*
 * Why the request path uses synchronous file calls.
 *
 * Session and lock files are a few hundred bytes on a local disk: the kernel serves them from the
 * page cache in microseconds. The promise API sends every call through libuv's thread pool and back
 * (open, fstat, read, close each a trip for one readFile), which costs ~30x the CPU of the call
 * itself (measured: readFile 129 µs, readFileSync 4 µs; temp write + rename 167 µs vs 50 µs) and
 * lets a write hold its lock across several event-loop turns. Synchronous calls in the short
 * critical section (read, temp write, rename, lock create/release) block the loop for tens of
 * microseconds, less than the promise machinery they replace. Waiting for a lock that someone else
 * holds stays asynchronous (polling), and so does the reaper's walk of the directory.
 *
 * The cost of this choice: on a slow or network filesystem (NFS, SMB, a FUSE mount) every call may
 * block the whole process for milliseconds, so TINA4_SESSION_PATH belongs on a local disk.
 */

/** What a session file holds: `{ "expiresAt": <epoch ms>, "fields": { name: JSON text } }`. */
export interface SessionRecord {
  readonly expiresAt: number;
  readonly fields: SessionFields;
}

/** What is in a session file: its record, `'corrupt'` (not a session record) or `undefined` (no file). */
export type StoredRecord = SessionRecord | 'corrupt' | undefined;

/**
 * The record in `path`: `undefined` when the file does not exist, `'corrupt'` when it is not a
 * session record (truncated by a crash, edited by hand). Other filesystem errors are thrown.
 */
export function readSessionFileSync(path: string): StoredRecord {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  return parseRecord(text);
}

/** {@link readSessionFileSync} without blocking, for the reaper's walk over many files. */
export async function readSessionFile(path: string): Promise<StoredRecord> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  return parseRecord(text);
}

/**
 * Replaces the record in `path` atomically: the text goes to a temporary file in the same directory
 * (same filesystem, so the rename is atomic), which is then renamed over the target. Readers see
 * the old record or the new one, never a mix; on failure the temporary file is removed and the old
 * record is untouched.
 *
 * No fsync: a session write happens on most requests, and an fsync costs milliseconds each. What
 * an fsync would protect against is a power loss or kernel crash in the seconds after a write,
 * which could leave the file empty on some filesystems; such a file reads as corrupt, which counts
 * as a missing session (the user logs in again). That trade suits session data; it would not suit
 * a database.
 */
export function writeSessionFileSync(path: string, record: SessionRecord): void {
  const temp = `${path}.${randomBytes(8).toString('hex')}${TEMP_SUFFIX}`;
  try {
    // 'wx': never follow or reuse a file someone else placed there; 0o600: sessions are private.
    // (The explicit encoding takes Node's one-call native path for strings.)
    writeFileSync(temp, JSON.stringify({ expiresAt: record.expiresAt, fields: record.fields }), {
      encoding: 'utf8',
      flag: 'wx',
      mode: 0o600,
    });
    renameSync(temp, path);
  } catch (error) {
    try {
      removeFileSync(temp);
    } catch {
      // The original error is the one worth reporting; the reaper removes the file later.
    }
    throw error;
  }
}

function parseRecord(text: string): SessionRecord | 'corrupt' {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return 'corrupt';
  }
  if (!isPlainObject(data) || typeof data.expiresAt !== 'number' || !isPlainObject(data.fields))
    return 'corrupt';
  for (const value of Object.values(data.fields)) if (typeof value !== 'string') return 'corrupt';
  return { expiresAt: data.expiresAt, fields: data.fields as SessionFields };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
