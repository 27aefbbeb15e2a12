import { setTimeout as sleep } from 'node:timers/promises';
import type { SessionKey } from '@tina4/session-core';
import { type QueryResult, sql } from 'kysely';
import type { AnyKysely } from './any-kysely.js';
import type { DatabaseEngine } from './database-url.js';
import { isTransactionConflict } from './sql-errors.js';

/** A session row as the drivers return it (BIGINT may arrive as a string). */
export interface SessionRow {
  readonly data: unknown;
  readonly expires_at: number | string | bigint;
}

/** Whether `row` is there and has not expired at `now`. */
export function isLive(row: SessionRow | undefined, now: number): row is SessionRow {
  return row !== undefined && Number(row.expires_at) > now;
}

/** The rows an INSERT, UPDATE or DELETE affected, as every dialect reports them to Kysely. */
export function affectedRows(result: QueryResult<unknown>): number {
  return Number(result.numAffectedRows ?? 0n);
}

/**
 * Runs `work` in one transaction. SQLite's transaction starts with BEGIN IMMEDIATE: it takes the
 * database's write lock up front, so two writers never both read and then collide on upgrade.
 */
export async function inTransaction<T>(
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
 * (SQL Server), `WITH LOCK` (Firebird). SQLite needs nothing: BEGIN IMMEDIATE already excludes other
 * writers. A writer that waited for the lock reads the row as the one before it left it (or finds
 * it gone).
 */
export async function selectForUpdate(
  trx: AnyKysely,
  engine: DatabaseEngine,
  table: string,
  key: SessionKey,
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
 * Runs `work` again when it lost a race that a retry resolves: a deadlock, a serialization failure,
 * a Firebird lock or update conflict, a busy SQLite file. Other errors, and the last attempt's,
 * propagate. `work` must be safe to repeat: each of these errors means it changed nothing.
 */
export async function retryOnConflict<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isTransactionConflict(error)) throw error;
      await sleep(Math.random() * 5 * 2 ** attempt);
    }
  }
}
