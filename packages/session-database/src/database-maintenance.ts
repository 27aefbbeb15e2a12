import type { PurgeProgressListener, PurgeResult, SessionCounts, SessionStore } from '@tina4/session-core';
import type { AnyKysely } from './any-kysely.js';
import type { DatabaseEngine } from './database-url.js';
import type { SessionTables } from './session-tables.js';
import { retryOnConflict } from './sql-transaction.js';

/**
 * Rows one DELETE of a purge removes: each statement stays short (well inside the store's statement
 * timeout, and holding row locks only briefly while the app keeps writing), and progress can be shown.
 */
const PURGE_BATCH_ROWS = 1000;

/**
 * `count` and `purgeExpired` of the database store: COUNTs over the expiry index, and DELETEs of
 * expired rows in batches of {@link PURGE_BATCH_ROWS}. Expiry is compared with one instant taken at
 * the start, so a purge ends even while sessions keep expiring, and never takes a live one (a row
 * refreshed meanwhile no longer matches). Expired lock rows go too, as the store's reaper does.
 *
 * @param ready Resolves once the store's tables exist (created on first use).
 */
export function databaseStoreMaintenance(
  db: AnyKysely,
  engine: DatabaseEngine,
  tables: SessionTables,
  ready: () => Promise<void>,
): Required<Pick<SessionStore, 'count' | 'purgeExpired'>> {
  const countWhere = async (operator: '>' | '<=', now: number): Promise<number> => {
    const row = await db
      .selectFrom(tables.session)
      .select((eb) => eb.fn.countAll().as('sessions'))
      .where('expires_at', operator, now)
      .executeTakeFirst();
    // COUNT arrives as a number, a bigint or a string (PostgreSQL's bigint), depending on the driver.
    return Number((row as { sessions?: unknown } | undefined)?.sessions ?? 0);
  };

  /** Deletes up to one batch of rows expired at `now`, in the engine's way of bounding a DELETE. */
  const deleteBatch = async (now: number): Promise<number> => {
    const expired = db.deleteFrom(tables.session).where('expires_at', '<=', now);
    let statement: typeof expired;
    switch (engine) {
      case 'mysql':
      case 'firebird':
        statement = expired.limit(PURGE_BATCH_ROWS); // MySQL's DELETE ... LIMIT n, Firebird's DELETE ... ROWS n
        break;
      case 'mssql':
        statement = expired.top(PURGE_BATCH_ROWS);
        break;
      default:
        // SQLite (whose DELETE ... LIMIT is a compile-time option) and PostgreSQL: one batch's keys.
        statement = expired.where(
          'session_key',
          'in',
          db
            .selectFrom(tables.session)
            .select('session_key')
            .where('expires_at', '<=', now)
            .limit(PURGE_BATCH_ROWS),
        );
    }
    const result = await retryOnConflict(() => statement.executeTakeFirst());
    return Number(result.numDeletedRows);
  };

  return {
    async count(): Promise<SessionCounts> {
      await ready();
      const now = Date.now();
      return { live: await countWhere('>', now), expired: await countWhere('<=', now) };
    },

    async purgeExpired(onProgress?: PurgeProgressListener): Promise<PurgeResult> {
      await ready();
      const now = Date.now();
      const total = await countWhere('<=', now);
      let removed = 0;
      onProgress?.({ done: 0, total });
      for (;;) {
        const deleted = await deleteBatch(now);
        removed += deleted;
        onProgress?.({ done: removed, total: Math.max(total, removed) });
        if (deleted < PURGE_BATCH_ROWS) break;
      }
      await retryOnConflict(() =>
        db.deleteFrom(tables.lock).where('lease_until', '<=', now).executeTakeFirst(),
      );
      return { removed };
    },
  };
}
