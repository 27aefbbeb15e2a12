import {
  type SessionChangeSet,
  SessionConfigError,
  type SessionKey,
  type SessionLogger,
  type SessionStore,
  SharedSessionLocks,
  type StoredSession,
} from '@tina4/session-core';
import { sql } from 'kysely';
import type { AnyKysely } from './any-kysely.js';
import type { DatabaseEngine } from './database-url.js';
import type { ImportModule } from './driver-loader.js';
import { openDatabase } from './open-database.js';
import { prepareQuery } from './prepared-query.js';
import { startReaper } from './reaper.js';
import { SqlLockBackend } from './session-lock.js';
import { ensureSessionSchema } from './session-schema.js';
import { DEFAULT_TABLE, sessionTables } from './session-tables.js';
import { decodeFields } from './stored-fields.js';
import { createSessionUpsert } from './upsert/create-upsert.js';
import { WriteCoalescer } from './write-coalescer.js';
import { retryOnConflict, type SessionRow, writeInTransaction } from './write-transaction.js';

export interface DatabaseStoreOptions {
  /**
   * The app's own Kysely instance. The store uses it as is and leaves it open on `close()`.
   * Either this or {@link url}.
   */
  db?: AnyKysely;
  /** A `DATABASE_URL` (see the README for every engine's format); the store opens and closes its own pool. */
  url?: string;
  /** The engine behind {@link db}, for dialects the store does not recognise by their adapter. */
  engine?: DatabaseEngine;
  /** Session table (default `tina4_session`); the lock table is this name plus `_lock`. */
  table?: string;
  /** Milliseconds between deletions of expired sessions (default 300 000; 0 turns the timer off). */
  reapIntervalMs?: number;
  /** Chance, from 0 to 1, that a write also starts a deletion of expired sessions (default 0). */
  reapProbability?: number;
  /** Most connections of the store's own pool (default 10; ignored with {@link db}). */
  poolSize?: number;
  /** Where background failures (reaping, idle connections) are reported (default `console`). */
  logger?: SessionLogger;
  /** Imports driver packages; replaceable for tests. */
  importModule?: ImportModule;
}

export const DEFAULT_REAP_INTERVAL_MS = 300_000;

/**
 * Sessions in a SQL database through Kysely: SQLite, PostgreSQL, MySQL/MariaDB, SQL Server and
 * Firebird. The tables are created on first use. A write applies its change set atomically —
 * one upsert that merges in the database on SQLite, PostgreSQL and MySQL/MariaDB, a transaction
 * that locks the session's row on SQL Server and Firebird — so concurrent requests that change
 * different fields all survive; `lock()` holds across processes; expired rows are never returned
 * and are deleted in the background.
 *
 * @throws {@link SessionConfigError} for a missing or unsupported URL, a bad table name or setting.
 * @throws {@link SessionBackendNotInstalledError} when the engine's driver package is not installed.
 */
export async function createDatabaseStore(options: DatabaseStoreOptions): Promise<SessionStore> {
  const tables = sessionTables(options.table ?? DEFAULT_TABLE);
  const reapIntervalMs = options.reapIntervalMs ?? DEFAULT_REAP_INTERVAL_MS;
  const reapProbability = options.reapProbability ?? 0;
  if (!Number.isFinite(reapIntervalMs) || reapIntervalMs < 0) {
    throw new SessionConfigError(
      `reapIntervalMs ${reapIntervalMs} is not valid. Use 0 (off) or a number of milliseconds.`,
    );
  }
  if (!(reapProbability >= 0 && reapProbability <= 1)) {
    throw new SessionConfigError(
      `reapProbability ${reapProbability} is not valid. Use a number from 0 to 1.`,
    );
  }
  const logger = options.logger ?? console;

  const { db, engine, release } = await openDatabase(options, logger);
  const { session, lock } = tables;

  // Created once, on first use (started right away so the first request rarely waits). A failure
  // is forgotten, so the next operation tries again once the database answers.
  let schema: Promise<void> | undefined;
  const ready = (): Promise<void> => {
    schema ??= ensureSessionSchema(db, engine, tables).catch((error: unknown) => {
      schema = undefined;
      throw error;
    });
    return schema;
  };
  ready().catch(() => {});

  const reaper = startReaper({
    reap: async () => {
      await ready();
      const now = Date.now();
      await db.deleteFrom(session).where('expires_at', '<=', now).execute();
      await db.deleteFrom(lock).where('lease_until', '<=', now).execute();
    },
    intervalMs: reapIntervalMs,
    probability: reapProbability,
    logger,
  });
  const locks = new SharedSessionLocks(new SqlLockBackend(db, lock));
  let closed = false;

  // The hot statements are compiled once (see prepared-query.ts).
  const selectLive = prepareQuery<'key' | 'now', SessionRow>(
    db,
    (param) => sql`select ${sql.ref('data')}, ${sql.ref('expires_at')} from ${sql.table(session)}
      where ${sql.ref('session_key')} = ${param('key')} and ${sql.ref('expires_at')} > ${param('now')}`,
  );
  const extendLive = prepareQuery<'key' | 'now' | 'expiresAt'>(
    db,
    (param) => sql`update ${sql.table(session)} set ${sql.ref('expires_at')} = ${param('expiresAt')}
      where ${sql.ref('session_key')} = ${param('key')} and ${sql.ref('expires_at')} > ${param('now')}`,
  );
  // Undefined on SQL Server and Firebird, and from the first write a server refuses it (an old version) on.
  let upsert = createSessionUpsert(db, engine, session);

  /** One attempt at a write: the engine's upsert when it can take it, else the transactional path. */
  const writeOnce = async (key: SessionKey, changes: SessionChangeSet, ttlSeconds: number): Promise<void> => {
    const statement = upsert;
    if (statement?.accepts(changes)) {
      const now = Date.now();
      try {
        await statement.apply(key, changes, now + ttlSeconds * 1000, now);
        return;
      } catch (error) {
        if (statement.isUnsupported(error)) {
          upsert = undefined;
          logger.warn(
            `The ${engine} database refused the session store's one-statement write ` +
              `(${error instanceof Error ? error.message : String(error)}); it is probably older than the ` +
              'store needs for it (PostgreSQL 9.5, MySQL 5.7.22, MariaDB 10.2.25, SQLite 3.24). ' +
              'Writes use a transaction from now on, which is slower but equivalent.',
          );
        } else if (!statement.isUnmergeable(error)) {
          throw error;
        }
        // Unmergeable: stored data the engine's JSON cannot parse; the transactional path reports
        // it if it is not a JSON object of fields at all.
      }
    }
    await writeInTransaction(db, engine, session, key, changes, ttlSeconds);
  };
  const coalescer = new WriteCoalescer((key, changes, ttlSeconds) =>
    retryOnConflict(() => writeOnce(key, changes, ttlSeconds)),
  );

  return {
    name: 'database',

    async read(key: SessionKey): Promise<StoredSession | undefined> {
      await ready();
      const [row] = (await selectLive.run({ key, now: Date.now() })).rows;
      return row && { fields: decodeFields(row.data, session), expiresAt: Number(row.expires_at) };
    },

    async write(key: SessionKey, changes: SessionChangeSet, ttlSeconds: number): Promise<void> {
      await ready();
      await coalescer.write(key, changes, ttlSeconds);
      reaper.afterWrite();
    },

    async touch(key: SessionKey, ttlSeconds: number): Promise<void> {
      await ready();
      const now = Date.now();
      await extendLive.run({ key, now, expiresAt: now + ttlSeconds * 1000 });
    },

    async destroy(key: SessionKey): Promise<void> {
      await ready();
      // A write of this process submitted before must not land after the delete and bring the
      // session back.
      await coalescer.settled(key);
      await db.deleteFrom(session).where('session_key', '=', key).execute();
    },

    async lock(key, lockOptions) {
      await ready();
      return locks.acquire(key, lockOptions);
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await reaper.stop();
      await schema?.catch(() => {});
      await release();
    },
  };
}
