import { userKeyOfFields } from '@tina4/session-core';
import { sql } from 'kysely';
import type { AnyKysely } from '../any-kysely.js';
import { driverError } from '../sql-errors.js';
import { affectedRows } from '../sql-transaction.js';
import { hasPortableFieldNames } from './json-field-names.js';
import type { JsonMergeUpdate } from './json-merge-update.js';
import { mergePatchOf } from './merge-patch.js';
import { isSmallPatch } from './merge-size.js';
import { prepareReplace, prepareUpdate } from './update-statement.js';

/**
 * MySQL 5.7.22+ / MariaDB 10.2.25+: `JSON_MERGE_PATCH` with the change set as a merge patch
 * (deleted fields as null), so field names need no JSON path escaping:
 *
 * ```sql
 * UPDATE tina4_session SET data = JSON_MERGE_PATCH(data, ?), expires_at = ?
 * WHERE session_key = ? AND expires_at > ?
 * ```
 *
 * InnoDB updates the latest committed row under an exclusive lock held until the statement ends,
 * so concurrent updates of one session merge one after the other. The affected rows count the rows
 * matched when the connection has mysql2's FOUND_ROWS flag (the default, and set on the store's own
 * pool); the store checks a zero itself for pools without it.
 */
export function createMysqlJsonMerge(db: AnyKysely, table: string): JsonMergeUpdate {
  const merge = prepareUpdate<'patch'>(
    db,
    table,
    (param) => sql`json_merge_patch(${sql.ref('data')}, ${param('patch')})`,
  );
  const replace = prepareReplace(db, table);

  return {
    accepts: (changes) => isSmallPatch(changes) && hasPortableFieldNames(changes),
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
    isUnmergeable(error) {
      const { errno } = driverError(error);
      return (
        // Stored data the JSON parser refuses: MariaDB's JSON text errors (escalated from warnings
        // in strict mode), MySQL's ER_INVALID_JSON_TEXT(_IN_PARAM) ...
        (typeof errno === 'number' && errno >= 4036 && errno <= 4040) ||
        errno === 3140 ||
        errno === 3141 ||
        // ... or, in MariaDB's non-strict mode, the NULL that JSON_MERGE_PATCH then gives, which the
        // NOT NULL column refuses (ER_BAD_NULL_ERROR: an error for a single-row statement in any mode).
        errno === 1048
      );
    },
    // ER_PARSE_ERROR, ER_SP_DOES_NOT_EXIST ("FUNCTION json_merge_patch does not exist").
    isUnsupported: (error) => {
      const { errno } = driverError(error);
      return errno === 1064 || errno === 1305;
    },
  };
}
