import { sep } from 'node:path';

/**
 * The files the file store keeps per session, all named by the session key, with a prefix that
 * other programs' files do not carry (the directory should be dedicated to sessions, but a shared
 * one must not lose a file the store did not create):
 *
 * - `sess-<key>.json`: the record;
 * - `sess-<key>.lock`: held while a write reads, merges and replaces the record;
 * - `sess-<key>.session-lock`: held for a whole request with `TINA4_SESSION_LOCK`;
 * - `sess-<key>.json.<16 hex>.tmp`: a record being written.
 */
export const SESSION_SUFFIX = '.json';
export const WRITE_LOCK_SUFFIX = '.lock';
export const SESSION_LOCK_SUFFIX = '.session-lock';
export const TEMP_SUFFIX = '.tmp';
const PREFIX = 'sess-';

const KEY_PATTERN = /^[0-9a-f]{64}$/;

/** The names the store creates, and nothing else: the reaper touches only these. */
export const SESSION_FILE_PATTERN = /^sess-([0-9a-f]{64})\.json$/;
export const LOCK_FILE_PATTERN = /^sess-[0-9a-f]{64}\.(?:lock|session-lock)$/;
export const TEMP_FILE_PATTERN = /^sess-[0-9a-f]{64}\.json\.[0-9a-f]{16}\.tmp$/;

/**
 * The path of one of a session's files in `directory` (an absolute, resolved path). Keys are
 * SHA-256 hex digests; anything else is refused so that no key can name a path outside the
 * directory (`../`, `/etc/...`).
 */
export function sessionFilePath(directory: string, key: string, suffix: string): string {
  if (!KEY_PATTERN.test(key)) {
    // The key is not echoed: a caller that passes the raw session id by mistake must not log it.
    throw new TypeError(
      `The file store takes session keys of 64 lowercase hex characters (sessionKeyOf(id)); got ${typeof key === 'string' ? `a string of ${key.length} characters` : typeof key}.`,
    );
  }
  // Concatenated rather than join()ed (on every request): the store's directory is already resolve()d.
  const name = PREFIX + key + suffix;
  return directory.endsWith(sep) ? directory + name : directory + sep + name;
}
