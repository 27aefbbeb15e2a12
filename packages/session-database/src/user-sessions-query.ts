import type { UserKey, UserSessionRecord } from '@tina4/session-core';
import type { SessionStatements } from './session-statements.js';
import { decodeFields } from './stored-fields.js';

/**
 * The live sessions bound to `user`: one SELECT on the indexed `user_key` column, expired rows
 * left out by the query itself (whether or not they were reaped yet).
 *
 * ```sql
 * SELECT session_key, data, expires_at FROM t WHERE user_key = ? AND expires_at > ?
 * ```
 *
 * A row whose data is not a JSON object of fields (edited by hand) is left out, as a read would
 * refuse it, rather than failing the whole listing.
 */
export async function listUserSessions(
  statements: SessionStatements,
  table: string,
  user: UserKey,
): Promise<UserSessionRecord[]> {
  const { rows } = await statements.selectUser.run({ user, now: Date.now() });
  const records: UserSessionRecord[] = [];
  for (const row of rows) {
    try {
      records.push({
        key: row.session_key,
        fields: decodeFields(row.data, table),
        expiresAt: Number(row.expires_at),
      });
    } catch {
      // Unreadable: not a session anybody can use.
    }
  }
  return records;
}
