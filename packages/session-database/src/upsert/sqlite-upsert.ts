import { sql } from 'kysely';
import type { AnyKysely } from '../any-kysely.js';
import { prepareQuery } from '../prepared-query.js';
import { driverError } from '../sql-errors.js';
import { mergePatchOf } from './merge-patch.js';
import type { SessionUpsert } from './session-upsert.js';

/**
 * SQLite 3.24+ with JSON1 (built into better-sqlite3): `INSERT ... ON CONFLICT DO UPDATE`, one
 * statement, which SQLite runs under its database write lock. The merge is `json_patch` with the
 * change set as a merge patch (deleted fields as null), so field names need no JSON path escaping;
 * SQLite's JSON also takes the `\u0000` and unpaired-surrogate escapes that jsonb and MariaDB refuse. An
 * expired row (not reaped yet) merges into '{}' instead of its old data, which is never parsed then.
 */
export function createSqliteUpsert(db: AnyKysely, table: string): SessionUpsert {
  const insert = (param: (name: 'key' | 'data' | 'expiresAt') => unknown) =>
    sql`insert into ${sql.table(table)} (${sql.ref('session_key')}, ${sql.ref('data')}, ${sql.ref('expires_at')})
      values (${param('key')}, ${param('data')}, ${param('expiresAt')})
      on conflict (${sql.ref('session_key')}) do update set`;

  // In SQLite's DO UPDATE, a bare column is the stored row's value, `excluded.` the inserted one.
  const merge = prepareQuery<'key' | 'data' | 'expiresAt' | 'now' | 'patch'>(
    db,
    (param) => sql`${insert(param)}
      ${sql.ref('data')} = json_patch(case when ${sql.ref('expires_at')} > ${param('now')} then ${sql.ref('data')} else '{}' end, ${param('patch')}),
      ${sql.ref('expires_at')} = ${sql.ref('excluded.expires_at')}`,
  );
  const replace = prepareQuery<'key' | 'data' | 'expiresAt'>(
    db,
    (param) => sql`${insert(param)}
      ${sql.ref('data')} = ${sql.ref('excluded.data')}, ${sql.ref('expires_at')} = ${sql.ref('excluded.expires_at')}`,
  );

  return {
    accepts: () => true,
    async apply(key, changes, expiresAt, now) {
      const data = JSON.stringify(changes.set);
      if (changes.replace) await replace.run({ key, data, expiresAt });
      else await merge.run({ key, data, expiresAt, now, patch: mergePatchOf(changes) });
    },
    isUnmergeable: (error) => messageOf(error).includes('malformed JSON'),
    // Before 3.24 (no upsert: a syntax error) or a build without JSON1.
    isUnsupported: (error) => {
      const message = messageOf(error);
      return message.includes('syntax error') || message.includes('no such function');
    },
  };
}

function messageOf(error: unknown): string {
  const { code, message } = driverError(error);
  return typeof code === 'string' && code.startsWith('SQLITE_') && typeof message === 'string' ? message : '';
}
