import type { SessionKey, UserKey } from '@tina4/session-core';
import type { SessionStatements } from './session-statements.js';
import { isUniqueViolation } from './sql-errors.js';
import { affectedRows } from './sql-transaction.js';

const MAX_ATTEMPTS = 5;

/**
 * The first row of a new session: an INSERT, which the primary key lets only one writer win. When
 * the key is taken, an expired row (not reaped yet) is deleted and the INSERT tried again; a live
 * row makes it resolve false, changing nothing.
 *
 * ```sql
 * INSERT INTO t (session_key, data, expires_at, user_key) VALUES (?, ?, ?, ?)
 * -- on a unique violation:
 * DELETE FROM t WHERE session_key = ? AND expires_at <= ?   -- then INSERT again
 * SELECT data, expires_at FROM t WHERE session_key = ? AND expires_at > ?  -- when nothing was deleted
 * ```
 */
export async function createSession(
  statements: SessionStatements,
  key: SessionKey,
  data: string,
  expiresAt: number,
  now: number,
  user: UserKey | null,
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      await statements.insert.run({ key, data, expiresAt, user });
      return true;
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isUniqueViolation(error)) throw error;
    }
    const deleted = affectedRows(await statements.deleteExpired.run({ key, now }));
    // Nothing expired to delete: a live row holds the key, unless the row went away meanwhile
    // (destroyed, reaped), in which case the key is free again.
    if (deleted === 0 && (await statements.selectLive.run({ key, now })).rows.length > 0) return false;
  }
}
