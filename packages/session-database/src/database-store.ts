import {
  applyChangeSet,
  type SessionChangeSet,
  SessionConfigError,
  type SessionKey,
  type SessionLogger,
  type SessionStore,
  type StoredSession,
} from '@tina4/session-core';
import type { AnyKysely } from './any-kysely.js';
import type { DatabaseEngine } from './database-url.js';
import type { ImportModule } from './driver-loader.js';
import { openDatabase } from './open-database.js';
import { startReaper } from './reaper.js';
import { createSessionLocker } from './session-lock.js';
import { ensureSessionSchema } from './session-schema.js';
import { DEFAULT_TABLE, sessionTables } from './session-tables.js';
import { decodeFields, encodeFields } from './stored-fields.js';
import { inWriteTransaction, retryOnConflict, selectForUpdate } from './write-transaction.js';

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
 * Firebird. The tables are created on first use. A write applies its change set in one
 * transaction that locks the session's row, so concurrent requests that change different fields
 * all survive; `lock()` holds across processes; expired rows are never returned and are deleted
 * in the background.
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
  const takeLock = createSessionLocker(db, lock);
  let closed = false;

  return {
    name: 'database',

    async read(key: SessionKey): Promise<StoredSession | undefined> {
      await ready();
      const row = await db
        .selectFrom(session)
        .select(['data', 'expires_at'])
        .where('session_key', '=', key)
        .where('expires_at', '>', Date.now())
        .executeTakeFirst();
      return row && { fields: decodeFields(row.data, session), expiresAt: Number(row.expires_at) };
    },

    async write(key: SessionKey, changes: SessionChangeSet, ttlSeconds: number): Promise<void> {
      await ready();
      await retryOnConflict(() =>
        inWriteTransaction(db, engine, async (trx) => {
          const now = Date.now();
          const row = await selectForUpdate(trx, engine, session, key);
          // An expired row that has not been reaped yet is a dead session: start from nothing. A
          // replacing write needs no old data (and so also repairs a row whose data is unreadable).
          const live = row && !changes.replace && Number(row.expires_at) > now;
          const current = live ? decodeFields(row.data, session) : undefined;
          const values = {
            data: encodeFields(applyChangeSet(current, changes)),
            expires_at: now + ttlSeconds * 1000,
          };
          if (row) {
            await trx.updateTable(session).set(values).where('session_key', '=', key).execute();
          } else {
            // A concurrent first write may insert the same key first: the unique violation
            // rolls this transaction back and retryOnConflict runs it again, now as an update.
            await trx
              .insertInto(session)
              .values({ session_key: key, ...values })
              .execute();
          }
        }),
      );
      reaper.afterWrite();
    },

    async touch(key: SessionKey, ttlSeconds: number): Promise<void> {
      await ready();
      const now = Date.now();
      await db
        .updateTable(session)
        .set({ expires_at: now + ttlSeconds * 1000 })
        .where('session_key', '=', key)
        .where('expires_at', '>', now)
        .execute();
    },

    async destroy(key: SessionKey): Promise<void> {
      await ready();
      await db.deleteFrom(session).where('session_key', '=', key).execute();
    },

    async lock(key, lockOptions) {
      await ready();
      return takeLock(key, lockOptions);
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
