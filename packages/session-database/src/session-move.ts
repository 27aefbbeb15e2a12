import { type MoveSession, type SessionKey, userKeyOfFields } from '@tina4/session-core';
import type { AnyKysely } from './any-kysely.js';
import type { DatabaseEngine } from './database-url.js';
import { inTransaction, isLive, selectForUpdate } from './sql-transaction.js';
import { decodeFields, encodeFields } from './stored-fields.js';

/**
 * A regenerate as one transaction: lock the live row of `from`, store `transform(fields)` under `to`,
 * delete `from`. Resolves false, creating nothing, when `from` has no live row. Of two moves of one
 * row, the second waits for the first's lock and then finds no row. A throw from `transform` (or a
 * failed insert) rolls everything back, leaving `from` as it was. Run it under `retryOnConflict`
 * (`transform` may then be called again, on the row as it is then).
 *
 * ```sql
 * SELECT data, expires_at FROM t WHERE session_key = :from FOR UPDATE  -- or the engine's row lock
 * INSERT INTO t (session_key, data, expires_at, user_key) VALUES (:to, :data, :expires_at, :user)
 * DELETE FROM t WHERE session_key = :from
 * ```
 */
export function moveInTransaction(
  db: AnyKysely,
  engine: DatabaseEngine,
  table: string,
  from: SessionKey,
  to: SessionKey,
  transform: MoveSession,
  ttlSeconds: number,
): Promise<boolean> {
  return inTransaction(db, engine, async (trx) => {
    const now = Date.now();
    const row = await selectForUpdate(trx, engine, table, from);
    if (!isLive(row, now)) return false;
    const fields = transform(decodeFields(row.data, table));
    await trx
      .insertInto(table)
      .values({
        session_key: to,
        data: encodeFields(fields),
        expires_at: now + ttlSeconds * 1000,
        user_key: userKeyOfFields(fields) ?? null,
      })
      .execute();
    await trx.deleteFrom(table).where('session_key', '=', from).execute();
    return true;
  });
}
