import { sql } from 'kysely';
import type { AnyKysely } from '../any-kysely.js';
import { prepareQuery } from '../prepared-query.js';
import { driverError } from '../sql-errors.js';
import { hasPortableFieldNames } from './json-field-names.js';
import { mergePatchOf } from './merge-patch.js';
import type { SessionUpsert } from './session-upsert.js';

/**
 * MySQL 5.7.22+ / MariaDB 10.2.25+: `INSERT ... ON DUPLICATE KEY UPDATE`. InnoDB updates the
 * latest committed row under an exclusive lock held until the statement ends, so concurrent
 * writers of one session merge one after the other. The merge is `JSON_MERGE_PATCH` with the
 * change set as a merge patch (deleted fields as null), so field names need no JSON path
 * escaping. Values are passed again rather than read with `VALUES(col)`, which MySQL 8.0.20+
 * deprecates and MariaDB's row-alias replacement lacks.
 */
export function createMysqlUpsert(db: AnyKysely, table: string): SessionUpsert {
  const insert = (param: (name: 'key' | 'data' | 'expiresAt') => unknown) =>
    sql`insert into ${sql.table(table)} (${sql.ref('session_key')}, ${sql.ref('data')}, ${sql.ref('expires_at')})
      values (${param('key')}, ${param('data')}, ${param('expiresAt')})`;

  // MySQL evaluates the assignments left to right, each seeing the ones before: `data` must come
  // first, while `expires_at` still holds the stored expiry. An expired row (not reaped yet)
  // merges into '{}' instead of its old data, which is never parsed then.
  const merge = prepareQuery<'key' | 'data' | 'expiresAt' | 'now' | 'patch'>(
    db,
    (param) => sql`${insert(param)} on duplicate key update
      ${sql.ref('data')} = json_merge_patch(if(${sql.ref('expires_at')} > ${param('now')}, ${sql.ref('data')}, '{}'), ${param('patch')}),
      ${sql.ref('expires_at')} = ${param('expiresAt')}`,
  );
  const replace = prepareQuery<'key' | 'data' | 'expiresAt'>(
    db,
    (param) => sql`${insert(param)} on duplicate key update
      ${sql.ref('data')} = ${param('data')}, ${sql.ref('expires_at')} = ${param('expiresAt')}`,
  );

  return {
    accepts: hasPortableFieldNames,
    async apply(key, changes, expiresAt, now) {
      const data = JSON.stringify(changes.set);
      if (changes.replace) await replace.run({ key, data, expiresAt });
      else await merge.run({ key, data, expiresAt, now, patch: mergePatchOf(changes) });
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
