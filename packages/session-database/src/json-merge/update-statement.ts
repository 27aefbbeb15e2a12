import { sql } from 'kysely';
import type { AnyKysely } from '../any-kysely.js';
import { type PreparedQuery, prepareQuery } from '../prepared-query.js';

/** The parameters of the statements in this folder. */
export type UpdateParam = 'key' | 'expiresAt' | 'now';

/**
 * `UPDATE <table> SET data = <data>, expires_at = :expiresAt WHERE session_key = :key AND
 * expires_at > :now`, compiled once: the shape every engine's update shares, with its own merge
 * expression as `data`.
 */
export function prepareUpdate<P extends string>(
  db: AnyKysely,
  table: string,
  data: (param: (name: P | UpdateParam) => unknown) => unknown,
): PreparedQuery<P | UpdateParam, unknown> {
  return prepareQuery<P | UpdateParam>(
    db,
    (param) => sql`update ${sql.table(table)}
      set ${sql.ref('data')} = ${data(param)}, ${sql.ref('expires_at')} = ${param('expiresAt')}
      where ${sql.ref('session_key')} = ${param('key')} and ${sql.ref('expires_at')} > ${param('now')}`,
  );
}

/**
 * The update of a replacing change set (a cleared session): the new data as it is, on every engine,
 * and the user key of the binding it holds (`user`, null for none), since nothing else is kept.
 */
export function prepareReplace(
  db: AnyKysely,
  table: string,
): PreparedQuery<'data' | 'user' | UpdateParam, unknown> {
  return prepareQuery<'data' | 'user' | UpdateParam>(
    db,
    (param) => sql`update ${sql.table(table)}
      set ${sql.ref('data')} = ${param('data')}, ${sql.ref('expires_at')} = ${param('expiresAt')},
        ${sql.ref('user_key')} = ${param('user')}
      where ${sql.ref('session_key')} = ${param('key')} and ${sql.ref('expires_at')} > ${param('now')}`,
  );
}
