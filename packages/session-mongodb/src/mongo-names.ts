import { SessionConfigError } from '@tina4/session-core';

/** Database used when none is configured (`TINA4_SESSION_DATABASE`, nor a path in the URI). */
export const DEFAULT_DATABASE = 'tina4_sessions';
/** Collection used when none is configured (`TINA4_SESSION_COLLECTION`). */
export const DEFAULT_COLLECTION = 'tina4_sessions';
/** The locks of `TINA4_SESSION_LOCK` live beside the sessions, in `<collection>_locks`. */
export const LOCKS_SUFFIX = '_locks';

/** The path after the host list: the database the URI names (`mongodb://h1,h2/app?...` -> `app`). */
const URI_DATABASE = /^mongodb(?:\+srv)?:\/\/[^/?]*\/([^?]*)/i;

/** The database named by a connection string's path, if any. */
export function databaseOfUri(uri: string): string | undefined {
  const path = URI_DATABASE.exec(uri)?.[1];
  return path ? decodeURIComponent(path) : undefined;
}

/** MongoDB's rules for database names (the stricter Windows set, so a name works on every server). */
export function assertDatabaseName(name: string, setting: string): void {
  if (name === '' || name.length > 63 || /[/\\. "$*<>:|?]/.test(name) || name.includes('\u0000')) {
    throw new SessionConfigError(
      `${setting}="${name}" is not a valid MongoDB database name: use 1 to 63 characters, none of /\\. "$*<>:|?.`,
    );
  }
}

/** MongoDB's rules for collection names. The store also uses `<name>_locks`. */
export function assertCollectionName(name: string, setting: string): void {
  if (name === '' || name.includes('$') || name.includes('\u0000') || name.startsWith('system.')) {
    throw new SessionConfigError(
      `${setting}="${name}" is not a valid MongoDB collection name: it must be non-empty, contain no "$" ` +
        'and not start with "system.".',
    );
  }
}
