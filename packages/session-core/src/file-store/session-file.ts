import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { SessionFields } from '../store-kit/session-store.js';
import { errorCode } from './file-system.js';

/*
 * Why the request path uses synchronous file calls.
 *
 * Session and lock files are a few hundred bytes on a local disk: the kernel serves them from the
 * page cache in microseconds. The promise API sends every call through libuv's thread pool and back
 * (open, fstat, read, close each a trip for one readFile), which costs ~30x the CPU of the call
 * itself (measured: readFile 129 µs, readFileSync 4 µs; temp write + rename 167 µs vs 50 µs) and
 * lets a write hold its lock across several event-loop turns. Synchronous calls in the short
 * critical section (see `commit-session-file.ts`: lock file created with the new record, read,
 * rename) block the loop for tens of microseconds, less than the promise machinery they replace.
 * Waiting for a lock that someone else holds stays asynchronous (polling), and so does the
 * reaper's walk of the directory.
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
  const text = readSessionTextSync(path);
  return text === undefined ? undefined : parseSessionRecord(text);
}

/** The text of the file at `path`, or `undefined` when it does not exist; other errors are thrown. */
export function readSessionTextSync(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
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
  return parseSessionRecord(text);
}

/** The text a session file holds for `record`. */
export function serializeSessionRecord(record: SessionRecord): string {
  return JSON.stringify({ expiresAt: record.expiresAt, fields: record.fields });
}

/** The record in a session file's text, or `'corrupt'` when it is not a session record. */
export function parseSessionRecord(text: string): SessionRecord | 'corrupt' {
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
