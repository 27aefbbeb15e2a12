import { applyChangeSet, type SessionChangeSet, type SessionKey, userKeyOfFields } from '@tina4/session-core';
import type { AnyKysely } from './any-kysely.js';
import type { DatabaseEngine } from './database-url.js';
import { inTransaction, isLive, selectForUpdate } from './sql-transaction.js';
import { decodeFields, encodeFields } from './stored-fields.js';

/**
 * An update as a transaction that locks the session's row, merges in process and writes it back:
 * the path of SQL Server and Firebird, and of the other engines when their one-statement JSON merge
 * cannot take an update (see json-merge/json-merge-update.ts). Resolves false, changing nothing,
 * when there is no live row. Run it under `retryOnConflict`.
 *
 * ```sql
 * SELECT data, expires_at FROM t WHERE session_key = ? FOR UPDATE  -- or the engine's row lock
 * UPDATE t SET data = ?, expires_at = ?, user_key = ? WHERE session_key = ?  -- only when the row is live
 * ```
 */
export function updateInTransaction(
  db: AnyKysely,
  engine: DatabaseEngine,
  table: string,
  key: SessionKey,
  changes: SessionChangeSet,
  ttlSeconds: number,
): Promise<boolean> {
  return inTransaction(db, engine, async (trx) => {
    const now = Date.now();
    const row = await selectForUpdate(trx, engine, table, key);
    // An expired row that has not been reaped yet is a dead session: it stays dead.
    if (!isLive(row, now)) return false;
    // A replacing update needs no old data (and so also repairs a row whose data is unreadable).
    const current = changes.replace ? undefined : decodeFields(row.data, table);
    const fields = applyChangeSet(current, changes);
    // The user key follows the binding the merged fields hold (see user-binding in the core).
    await trx
      .updateTable(table)
      .set({
        data: encodeFields(fields),
        expires_at: now + ttlSeconds * 1000,
        user_key: userKeyOfFields(fields) ?? null,
      })
      .where('session_key', '=', key)
      .execute();
    return true;
  });
}
