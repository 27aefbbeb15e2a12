import { sep } from 'node:path';

/**
 * The files the file store keeps per session, all named by the session key:
 * `<key>.json` (the record), `<key>.lock` (held while a write reads, merges and replaces the record),
 * `<key>.session-lock` (held for a whole request with `TINA4_SESSION_LOCK`) and
 * `<key>.json.<random>.tmp` (a record being written).
 */
export const SESSION_SUFFIX = '.json';
export const WRITE_LOCK_SUFFIX = '.lock';
export const SESSION_LOCK_SUFFIX = '.session-lock';
export const TEMP_SUFFIX = '.tmp';

const KEY_PATTERN = /^[0-9a-f]{64}$/;

/** The key of a `<key>.json` file name, or undefined for any other name. */
export const SESSION_FILE_PATTERN = /^([0-9a-f]{64})\.json$/;

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
  return directory.endsWith(sep) ? directory + key + suffix : directory + sep + key + suffix;
}
