import { sql } from 'kysely';
import type { AnyKysely } from './any-kysely.js';
import { type PreparedQuery, prepareQuery } from './prepared-query.js';
import type { SessionRow } from './sql-transaction.js';

/** The store's one-statement operations, compiled once per store (see prepared-query.ts). */
export interface SessionStatements {
  /** `SELECT data, expires_at FROM t WHERE session_key = :key AND expires_at > :now` */
  readonly selectLive: PreparedQuery<'key' | 'now', SessionRow>;
  /** `INSERT INTO t (session_key, data, expires_at, user_key) VALUES (:key, :data, :expiresAt, :user)` */
  readonly insert: PreparedQuery<'key' | 'data' | 'expiresAt' | 'user', unknown>;
  /** `UPDATE t SET expires_at = :expiresAt WHERE session_key = :key AND expires_at > :now` */
  readonly extendLive: PreparedQuery<'key' | 'now' | 'expiresAt', unknown>;
  /** `DELETE FROM t WHERE session_key = :key AND expires_at <= :now` */
  readonly deleteExpired: PreparedQuery<'key' | 'now', unknown>;
  /** `DELETE FROM t WHERE session_key = :key` */
  readonly delete: PreparedQuery<'key', unknown>;
  /** `SELECT session_key, data, expires_at FROM t WHERE user_key = :user AND expires_at > :now` */
  readonly selectUser: PreparedQuery<'user' | 'now', UserSessionRow>;
}

/** A row of a user's session, as {@link SessionStatements.selectUser} returns it. */
export interface UserSessionRow extends SessionRow {
  readonly session_key: string;
}

export function prepareSessionStatements(db: AnyKysely, table: string): SessionStatements {
  const t = sql.table(table);
  const key = sql.ref('session_key');
  const data = sql.ref('data');
  const expiresAt = sql.ref('expires_at');
  const user = sql.ref('user_key');
  return {
    selectLive: prepareQuery<'key' | 'now', SessionRow>(
      db,
      (param) =>
        sql`select ${data}, ${expiresAt} from ${t} where ${key} = ${param('key')} and ${expiresAt} > ${param('now')}`,
    ),
    insert: prepareQuery<'key' | 'data' | 'expiresAt' | 'user'>(
      db,
      (param) =>
        sql`insert into ${t} (${key}, ${data}, ${expiresAt}, ${user}) values (${param('key')}, ${param('data')}, ${param('expiresAt')}, ${param('user')})`,
    ),
    extendLive: prepareQuery<'key' | 'now' | 'expiresAt'>(
      db,
      (param) =>
        sql`update ${t} set ${expiresAt} = ${param('expiresAt')} where ${key} = ${param('key')} and ${expiresAt} > ${param('now')}`,
    ),
    deleteExpired: prepareQuery<'key' | 'now'>(
      db,
      (param) => sql`delete from ${t} where ${key} = ${param('key')} and ${expiresAt} <= ${param('now')}`,
    ),
    delete: prepareQuery<'key'>(db, (param) => sql`delete from ${t} where ${key} = ${param('key')}`),
    selectUser: prepareQuery<'user' | 'now', UserSessionRow>(
      db,
      (param) =>
        sql`select ${key}, ${data}, ${expiresAt} from ${t} where ${user} = ${param('user')} and ${expiresAt} > ${param('now')}`,
    ),
  };
}
