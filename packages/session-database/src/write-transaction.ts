import { setTimeout as sleep } from 'node:timers/promises';
import { applyChangeSet, type SessionChangeSet, type SessionKey } from '@tina4/session-core';
import { sql } from 'kysely';
import type { AnyKysely } from './any-kysely.js';
import type { DatabaseEngine } from './database-url.js';
import { isTransactionConflict, isUniqueViolation } from './sql-errors.js';
import { decodeFields, encodeFields } from './stored-fields.js';

/** A session row as the drivers return it (BIGINT may arrive as a string). */
export interface SessionRow {
  readonly data: unknown;
  readonly expires_at: number | string | bigint;
}

/**
 * A write as a transaction that locks the session's row, merges in process and updates (or
 * inserts) it: the path of SQL Server and Firebird, and of the other engines when their
 * one-statement upsert cannot take a write (see upsert/session-upsert.ts). Four round trips, the
 * row locked across three of them. Run it under {@link retryOnConflict}.
 */
export async function writeInTransaction(
  db: AnyKysely,
  engine: DatabaseEngine,
  table: string,
  key: SessionKey,
  changes: SessionChangeSet,
  ttlSeconds: number,
): Promise<void> {
  await inWriteTransaction(db, engine, async (trx) => {
    const now = Date.now();
    const row = await selectForUpdate(trx, engine, table, key);
    // An expired row that has not been reaped yet is a dead session: start from nothing. A
    // replacing write needs no old data (and so also repairs a row whose data is unreadable).
    const live = row && !changes.replace && Number(row.expires_at) > now;
    const current = live ? decodeFields(row.data, table) : undefined;
    const values = {
      data: encodeFields(applyChangeSet(current, changes)),
      expires_at: now + ttlSeconds * 1000,
    };
    if (row) {
      await trx.updateTable(table).set(values).where('session_key', '=', key).execute();
    } else {
      // A concurrent first write may insert the same key first: the unique violation rolls this
      // transaction back and retryOnConflict runs it again, now as an update.
      await trx
        .insertInto(table)
        .values({ session_key: key, ...values })
        .execute();
    }
  });
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
