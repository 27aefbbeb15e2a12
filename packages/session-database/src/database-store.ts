import {
  checkInteger,
  type MoveSession,
  type SessionChangeSet,
  SessionConfigError,
  type SessionFields,
  type SessionKey,
  type SessionStoreWithUserSessions,
  SharedSessionLocks,
  type StoredSession,
  touchesUserBinding,
  userKeyOfFields,
  type WriteOptions,
} from '@tina4/session-core';
import { databaseStoreMaintenance } from './database-maintenance.js';
import { type DatabaseStoreOptions, DEFAULT_REAP_INTERVAL_MS } from './database-store-options.js';
import { redactUrl } from './database-url.js';
import { MAX_POOL_SIZE } from './dialects/dialect-options.js';
import { createJsonMergeUpdate } from './json-merge/create-json-merge-update.js';
import { openDatabase } from './open-database.js';
import { startReaper } from './reaper.js';
import { createSession } from './session-create.js';
import { moveInTransaction } from './session-move.js';
import { ensureSessionSchema } from './session-schema.js';
import { prepareSessionStatements } from './session-statements.js';
import { DEFAULT_TABLE, sessionTables } from './session-tables.js';
import { isUniqueViolation } from './sql-errors.js';
import { SqlLockBackend } from './sql-lock-backend.js';
import { affectedRows, retryOnConflict } from './sql-transaction.js';
import { decodeFields, encodeFields } from './stored-fields.js';
import { updateInTransaction } from './transactional-update.js';
import { UpdateCoalescer } from './update-coalescer.js';
import { listUserSessions } from './user-sessions-query.js';

/**
 * Sessions in a SQL database through Kysely: SQLite, PostgreSQL, MySQL/MariaDB, SQL Server and
 * Firebird. The tables are created on first use.
 *
 * - `create` is an INSERT that the primary key lets only one writer win (an expired row under the
 *   key is deleted and the INSERT tried again).
 * - `update` applies its change set atomically to the live row only, never creating one: one UPDATE
 *   that merges the JSON in the database on SQLite, PostgreSQL and MySQL/MariaDB, a transaction that
 *   locks the row on SQL Server and Firebird. Concurrent requests that change different fields all
 *   survive, and a destroyed or regenerated session stays gone.
 * - `move` (regenerate) is one transaction: lock the old row, insert the new one, delete the old.
 * - `touch` is an UPDATE of the live row's expiry; `lock()` holds across processes; expired rows are
 *   never returned and are deleted in the background.
 *
 * @throws {@link SessionConfigError} for a missing or unsupported URL, a bad table name or setting.
 * @throws {@link SessionBackendNotInstalledError} when the engine's driver package is not installed.
 */
export async function createDatabaseStore(
  options: DatabaseStoreOptions,
): Promise<SessionStoreWithUserSessions> {
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
  if (options.poolSize !== undefined) {
    checkInteger('poolSize', options.poolSize, 'connections', { min: 1, max: MAX_POOL_SIZE });
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

  const statements = prepareSessionStatements(db, session);
  // Undefined on SQL Server and Firebird, and from the first update a server refuses it (an old version) on.
  let jsonMerge = createJsonMergeUpdate(db, engine, session);

  /**
   * Whether a statement that changes only a live row found it. MySQL reports the rows an UPDATE
   * changed rather than matched on a connection without the FOUND_ROWS flag (an app's own pool may
   * lack it): there, a zero is checked with a read.
   */
  const found = async (rows: number, key: SessionKey, now: number): Promise<boolean> =>
    rows > 0 || (engine === 'mysql' && (await statements.selectLive.run({ key, now })).rows.length > 0);

  /** One attempt at an update: the engine's JSON merge when it can take it, else the transactional path. */
  const updateOnce = async (
    key: SessionKey,
    changes: SessionChangeSet,
    ttlSeconds: number,
  ): Promise<boolean> => {
    const statement = jsonMerge;
    // A merge that changes the user binding takes the transactional path, which sets `user_key`
    // from the merged fields: the JSON merge leaves the column as it is (a replace sets it).
    if (statement?.accepts(changes) && (changes.replace || !touchesUserBinding(changes))) {
      const now = Date.now();
      try {
        return await found(await statement.apply(key, changes, now + ttlSeconds * 1000, now), key, now);
      } catch (error) {
        if (statement.isUnsupported(error)) {
          jsonMerge = undefined;
          logger.warn(
            `[tina4-session] The ${engine} database refused the session store's one-statement update ` +
              `(${error instanceof Error ? error.message : String(error)}); it is probably older than the ` +
              'store needs for it (PostgreSQL 10, MySQL 5.7.22, MariaDB 10.2.25, SQLite with JSON1). ' +
              'Updates use a transaction from now on, which is slower but equivalent.',
          );
        } else if (!statement.isUnmergeable(error)) {
          throw error;
        }
        // Unmergeable: stored data the engine's JSON cannot parse; the transactional path reports
        // it if it is not a JSON object of fields at all.
      }
    }
    return updateInTransaction(db, engine, session, key, changes, ttlSeconds);
  };
  const coalescer = new UpdateCoalescer((key, changes, ttlSeconds) =>
    retryOnConflict(() => updateOnce(key, changes, ttlSeconds)),
  );

  const moveOnce = (from: SessionKey, to: SessionKey, transform: MoveSession, ttlSeconds: number) =>
    retryOnConflict(() => moveInTransaction(db, engine, session, from, to, transform, ttlSeconds));

  return {
    name: 'database',
    location: `${options.url ? redactUrl(options.url) : `${engine} (the app's Kysely instance)`}, table ${session}`,

    async ping(): Promise<void> {
      // The tables in place (created on first use) and a query answered: what every operation needs.
      await ready();
      await statements.selectLive.run({ key: '', now: Date.now() });
    },

    async read(key: SessionKey): Promise<StoredSession | undefined> {
      await ready();
      const [row] = (await statements.selectLive.run({ key, now: Date.now() })).rows;
      return row && { fields: decodeFields(row.data, session), expiresAt: Number(row.expires_at) };
    },

    async create(
      key: SessionKey,
      fields: Readonly<SessionFields>,
      { ttlSeconds }: WriteOptions,
    ): Promise<boolean> {
      await ready();
      coalescer.created(key);
      const now = Date.now();
      const data = encodeFields(fields);
      const created = await retryOnConflict(() =>
        createSession(statements, key, data, now + ttlSeconds * 1000, now, userKeyOfFields(fields) ?? null),
      );
      reaper.afterWrite();
      return created;
    },

    async update(key: SessionKey, changes: SessionChangeSet, { ttlSeconds }: WriteOptions): Promise<boolean> {
      await ready();
      const updated = await coalescer.update(key, changes, ttlSeconds);
      reaper.afterWrite();
      return updated;
    },

    async move(
      from: SessionKey,
      to: SessionKey,
      transform: MoveSession,
      { ttlSeconds }: WriteOptions,
    ): Promise<boolean> {
      await ready();
      try {
        return await moveOnce(from, to, transform, ttlSeconds);
      } catch (error) {
        // The fresh key is taken (the transaction rolled back, `from` is as it was). An expired row
        // may be replaced, as by create(): delete it and move again. A live one is an error.
        if (!isUniqueViolation(error)) throw error;
        const deleted = await statements.deleteExpired.run({ key: to, now: Date.now() });
        if (affectedRows(deleted) === 0) throw error;
        return moveOnce(from, to, transform, ttlSeconds);
      }
    },

    async touch(key: SessionKey, { ttlSeconds }: WriteOptions): Promise<boolean> {
      await ready();
      const now = Date.now();
      const result = await retryOnConflict(() =>
        statements.extendLive.run({ key, now, expiresAt: now + ttlSeconds * 1000 }),
      );
      return found(affectedRows(result), key, now);
    },

    async destroy(key: SessionKey): Promise<void> {
      await ready();
      await retryOnConflict(() => statements.delete.run({ key }));
    },

    async lock(key, lockOptions) {
      await ready();
      return locks.acquire(key, lockOptions);
    },

    async listUserSessions(user) {
      await ready();
      return listUserSessions(statements, session, user);
    },

    // Operators' commands (`tina4-session stats`, `purge`).
    ...databaseStoreMaintenance(db, engine, tables, ready),

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await reaper.stop();
      await schema?.catch(() => {});
      await release();
    },
  };
}
