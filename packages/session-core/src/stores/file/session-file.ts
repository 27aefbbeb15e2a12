import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { SessionFields } from '../../store/session-store.js';
import { TEMP_SUFFIX } from './file-names.js';
import { errorCode, removeFile } from './file-system.js';

/** What a session file holds: `{ "expiresAt": <epoch ms>, "fields": { name: JSON text } }`. */
export interface SessionRecord {
  readonly expiresAt: number;
  readonly fields: SessionFields;
}

/**
 * The record in `path`: `undefined` when the file does not exist, `'corrupt'` when it is not a
 * session record (truncated by a crash, edited by hand). Other filesystem errors are thrown.
 */
export async function readSessionFile(path: string): Promise<SessionRecord | 'corrupt' | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  return parseRecord(text) ?? 'corrupt';
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
export async function writeSessionFile(path: string, record: SessionRecord): Promise<void> {
  const temp = `${path}.${randomBytes(8).toString('hex')}${TEMP_SUFFIX}`;
  try {
    // 'wx': never follow or reuse a file someone else placed there; 0o600: sessions are private.
    await writeFile(temp, JSON.stringify({ expiresAt: record.expiresAt, fields: record.fields }), {
      flag: 'wx',
      mode: 0o600,
    });
    await rename(temp, path);
  } catch (error) {
    await removeFile(temp).catch(() => {});
    throw error;
  }
}

function parseRecord(text: string): SessionRecord | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isPlainObject(data) || typeof data.expiresAt !== 'number' || !isPlainObject(data.fields))
    return undefined;
  for (const value of Object.values(data.fields)) if (typeof value !== 'string') return undefined;
  return { expiresAt: data.expiresAt, fields: data.fields as SessionFields };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
