import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { AnyKysely } from './any-kysely.js';
import type { DatabaseEngine } from './database-url.js';
import { isTransactionConflict, isUniqueViolation } from './sql-errors.js';

/** A session row as the drivers return it (BIGINT may arrive as a string). */
export interface SessionRow {
  readonly data: unknown;
  readonly expires_at: number | string | bigint;
}

/**
 * Runs `work` in one transaction. SQLite's transaction starts with BEGIN IMMEDIATE: it takes the
 * database's write lock up front, so two writers never both read and then collide on upgrade.
 */
export async function inWriteTransaction<T>(
  db: AnyKysely,
  engine: DatabaseEngine,
  work: (trx: AnyKysely) => Promise<T>,
): Promise<T> {
  if (engine !== 'sqlite') return db.transaction().execute(work);
  return db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection);
    try {
      const result = await work(connection);
      await sql`commit`.execute(connection);
      return result;
    } catch (error) {
      await sql`rollback`.execute(connection).catch(() => {});
      throw error;
    }
  });
}

/**
 * Reads a session row and locks it until the transaction ends, so that concurrent writers of the
 * same session take turns: `FOR UPDATE` (PostgreSQL, MySQL/MariaDB), `WITH (UPDLOCK, HOLDLOCK)`
 * (SQL Server; HOLDLOCK also locks the key of a row that does not exist yet), `WITH LOCK`
 * (Firebird). SQLite needs nothing: BEGIN IMMEDIATE already excludes other writers.
 */
export async function selectForUpdate(
  trx: AnyKysely,
  engine: DatabaseEngine,
  table: string,
  key: string,
): Promise<SessionRow | undefined> {
  if (engine === 'mssql') {
    const { rows } = await sql<SessionRow>`select ${sql.ref('data')}, ${sql.ref('expires_at')}
      from ${sql.table(table)} with (updlock, holdlock) where ${sql.ref('session_key')} = ${key}`.execute(
      trx,
    );
    return rows[0];
  }
  let query = trx.selectFrom(table).select(['data', 'expires_at']).where('session_key', '=', key);
  if (engine === 'postgres' || engine === 'mysql') query = query.forUpdate();
  if (engine === 'firebird') query = query.modifyEnd(sql`with lock`);
  return (await query.executeTakeFirst()) as SessionRow | undefined;
}

const MAX_ATTEMPTS = 8;

/**
 * Runs a transaction again when it lost a race that a retry resolves: two first writes of one
 * session both inserting (a row lock cannot lock a row that does not exist yet), a deadlock, a
 * serialization failure. Other errors, and the last attempt's, propagate.
 */
export async function retryOnConflict<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !(isUniqueViolation(error) || isTransactionConflict(error))) throw error;
      await sleep(Math.random() * 5 * 2 ** attempt);
    }
  }
}
