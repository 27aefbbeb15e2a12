import { sql } from 'kysely';
import type { AnyKysely } from '../any-kysely.js';
import { prepareQuery } from '../prepared-query.js';
import { driverError } from '../sql-errors.js';
import { hasPortableFieldNames } from './json-field-names.js';
import type { SessionUpsert } from './session-upsert.js';

/**
 * PostgreSQL (9.5+): `INSERT ... ON CONFLICT DO UPDATE`. The update sees the latest committed row
 * and holds its lock until the statement ends, so concurrent writers of one session apply their
 * change sets one after the other, each onto the previous one's result. The merge is jsonb's:
 * `(data - deleted) || set`. The values are JSON strings inside the object, which jsonb keeps
 * character for character (the object's spacing and key order change, which nothing relies on).
 * A live row that is not being replaced is merged; an expired one (not reaped yet) starts afresh
 * from the inserted data.
 */
export function createPostgresUpsert(db: AnyKysely, table: string): SessionUpsert {
  const insert = (param: (name: 'key' | 'data' | 'expiresAt') => unknown) =>
    sql`insert into ${sql.table(table)} as ${sql.id('s')}
      (${sql.ref('session_key')}, ${sql.ref('data')}, ${sql.ref('expires_at')})
      values (${param('key')}, ${param('data')}, ${param('expiresAt')})
      on conflict (${sql.ref('session_key')}) do update set`;
  // `s.` is the stored row, `excluded.` the one the insert proposed.
  const stored = (column: string) => sql.ref(`s.${column}`);
  const excluded = (column: string) => sql.ref(`excluded.${column}`);

  const merge = prepareQuery<'key' | 'data' | 'expiresAt' | 'now' | 'deleted'>(
    db,
    (param) => sql`${insert(param)}
      ${sql.ref('data')} = case when ${stored('expires_at')} > ${param('now')}
        then ((${stored('data')}::jsonb - ${param('deleted')}::text[]) || ${excluded('data')}::jsonb)::text
        else ${excluded('data')} end,
      ${sql.ref('expires_at')} = ${excluded('expires_at')}`,
  );
  const replace = prepareQuery<'key' | 'data' | 'expiresAt'>(
    db,
    (param) => sql`${insert(param)}
      ${sql.ref('data')} = ${excluded('data')}, ${sql.ref('expires_at')} = ${excluded('expires_at')}`,
  );

  return {
    accepts: hasPortableFieldNames,
    async apply(key, changes, expiresAt, now) {
      const data = JSON.stringify(changes.set);
      if (changes.replace) await replace.run({ key, data, expiresAt });
      // pg sends the array as a text[] literal, quoting every name.
      else await merge.run({ key, data, expiresAt, now, deleted: changes.delete });
    },
    isUnmergeable(error) {
      const { code } = driverError(error);
      // invalid_text_representation (not JSON), untranslatable_character (\u0000 in jsonb).
      return code === '22P02' || code === '22P05';
    },
    isUnsupported(error) {
      const { code } = driverError(error);
      // syntax_error (no ON CONFLICT before 9.5), undefined_function (no jsonb - text[]), undefined_object (no jsonb).
      return code === '42601' || code === '42883' || code === '42704';
    },
  };
}
