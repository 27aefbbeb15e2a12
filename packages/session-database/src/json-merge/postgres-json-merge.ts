import { userKeyOfFields } from '@tina4/session-core';
import { sql } from 'kysely';
import type { AnyKysely } from '../any-kysely.js';
import { driverError } from '../sql-errors.js';
import { affectedRows } from '../sql-transaction.js';
import { hasPortableFieldNames } from './json-field-names.js';
import type { JsonMergeUpdate } from './json-merge-update.js';
import { hasFewDeletions } from './merge-size.js';
import { prepareReplace, prepareUpdate } from './update-statement.js';

/**
 * PostgreSQL 10+: jsonb's merge, `(data - deleted) || set`:
 *
 * ```sql
 * UPDATE tina4_session SET data = ((data::jsonb - $1::text[]) || $2::jsonb)::text, expires_at = $3
 * WHERE session_key = $4 AND expires_at > $5
 * ```
 *
 * The UPDATE waits for a concurrent writer's row lock and then merges into the row that writer
 * left, so concurrent updates of one session apply one after the other. The values are JSON strings
 * inside the object, which jsonb keeps character for character (the object's spacing and key order
 * change, which nothing relies on). pg reports the rows the UPDATE matched.
 */
export function createPostgresJsonMerge(db: AnyKysely, table: string): JsonMergeUpdate {
  const merge = prepareUpdate<'deleted' | 'set'>(
    db,
    table,
    (param) =>
      sql`((${sql.ref('data')}::jsonb - ${param('deleted')}::text[]) || ${param('set')}::jsonb)::text`,
  );
  const replace = prepareReplace(db, table);

  return {
    accepts: (changes) => hasFewDeletions(changes) && hasPortableFieldNames(changes),
    async apply(key, changes, expiresAt, now) {
      const set = JSON.stringify(changes.set);
      // pg sends the array as a text[] literal, quoting every name.
      const result = changes.replace
        ? await replace.run({ key, data: set, expiresAt, now, user: userKeyOfFields(changes.set) ?? null })
        : await merge.run({ key, deleted: changes.delete, set, expiresAt, now });
      return affectedRows(result);
    },
    isUnmergeable(error) {
      const { code } = driverError(error);
      // invalid_text_representation (not JSON), untranslatable_character (\u0000 in jsonb).
      return code === '22P02' || code === '22P05';
    },
    isUnsupported(error) {
      const { code } = driverError(error);
      // undefined_function (no jsonb - text[] before PostgreSQL 10), undefined_object (no jsonb).
      return code === '42883' || code === '42704';
    },
  };
}
