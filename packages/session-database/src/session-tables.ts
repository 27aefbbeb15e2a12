import { SessionConfigError } from '@tina4/session-core';

/** The names of the store's tables and index, derived from one base name. */
export interface SessionTables {
  /** One row per session: key, data, expiry. */
  readonly session: string;
  /** One row per held session lock (`TINA4_SESSION_LOCK`). */
  readonly lock: string;
  /** The index on the session table's expiry, which reaping uses. */
  readonly expiresIndex: string;
  /** The index on the session table's user key, which lists a user's sessions. */
  readonly userIndex: string;
}

export const DEFAULT_TABLE = 'tina4_session';

// Firebird 3 limits identifiers to 31 bytes, and the lock table adds 5 characters.
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,25}$/;

/**
 * @param source Where the name came from, for the error (`TINA4_SESSION_TABLE`, an option name).
 * @throws {@link SessionConfigError} for a name that is not a plain identifier of at most 26 characters.
 */
export function sessionTables(table: string = DEFAULT_TABLE, source?: string): SessionTables {
  if (!TABLE_NAME.test(table)) {
    const named = source ? `${source}="${table}"` : `Session table name "${table}"`;
    throw new SessionConfigError(
      `${named} is not usable. Use letters, digits and underscores, ` +
        'starting with a letter or underscore, at most 26 characters (default tina4_session).',
    );
  }
  return { session: table, lock: `${table}_lock`, expiresIndex: `${table}_exp`, userIndex: `${table}_user` };
}
