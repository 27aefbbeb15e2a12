import { userKeyOfFields } from '@tina4/session-core';
import { sql } from 'kysely';
import type { AnyKysely } from '../any-kysely.js';
import { driverError } from '../sql-errors.js';
import { affectedRows } from '../sql-transaction.js';
import type { JsonMergeUpdate } from './json-merge-update.js';
import { mergePatchOf } from './merge-patch.js';
import { isSmallPatch } from './merge-size.js';
import { prepareReplace, prepareUpdate } from './update-statement.js';

/**
 * SQLite with JSON1 (built into better-sqlite3): `json_patch` with the change set as a merge patch
 * (deleted fields as null), so field names need no JSON path escaping; SQLite's JSON also takes the
 * `\u0000` and unpaired-surrogate escapes that jsonb and MariaDB refuse. One statement, which SQLite
 * runs under its database write lock:
 *
 * ```sql
 * UPDATE tina4_session SET data = json_patch(data, ?), expires_at = ?
 * WHERE session_key = ? AND expires_at > ?
 * ```
 */
export function createSqliteJsonMerge(db: AnyKysely, table: string): JsonMergeUpdate {
  const merge = prepareUpdate<'patch'>(
    db,
    table,
    (param) => sql`json_patch(${sql.ref('data')}, ${param('patch')})`,
  );
  const replace = prepareReplace(db, table);

  return {
    accepts: isSmallPatch,
    async apply(key, changes, expiresAt, now) {
      const result = changes.replace
        ? await replace.run({
            key,
            data: JSON.stringify(changes.set),
            expiresAt,
            now,
            user: userKeyOfFields(changes.set) ?? null,
          })
        : await merge.run({ key, patch: mergePatchOf(changes), expiresAt, now });
      return affectedRows(result);
    },
    isUnmergeable: (error) => messageOf(error).includes('malformed JSON'),
    // A build without JSON1.
    isUnsupported: (error) => messageOf(error).includes('no such function'),
  };
}

function messageOf(error: unknown): string {
  const { code, message } = driverError(error);
  return typeof code === 'string' && code.startsWith('SQLITE_') && typeof message === 'string' ? message : '';
}
