import { setTimeout as sleep } from 'node:timers/promises';
import { DialectAdapterBase, type MigrationLockOptions, sql } from 'kysely';
import type { AnyKysely } from './any-kysely.js';

/** How long {@link FirebirdAdapter.acquireMigrationLock} waits for another migrator. */
const MIGRATION_LOCK_WAIT_MS = 10 * 60_000;

/** What Kysely needs to know about Firebird's SQL. */
export class FirebirdAdapter extends DialectAdapterBase {
  // Firebird 3 has no CREATE TABLE IF NOT EXISTS (RECREATE drops the old table instead).
  override get supportsCreateIfNotExists(): boolean {
    return false;
  }

  // DDL is transactional, but a table created in a transaction cannot be used by DML in that same
  // transaction ("object in use"), which breaks migrations that create and fill a table.
  override get supportsTransactionalDdl(): boolean {
    return false;
  }

  // INSERT/UPDATE/DELETE ... RETURNING of a single row.
  override get supportsReturning(): boolean {
    return true;
  }

  /**
   * Firebird has no advisory locks, and Kysely takes this lock outside a transaction here, so the
   * lock is the migration lock table's flag, set with a compare-and-set update that is polled.
   */
  async acquireMigrationLock(db: AnyKysely, options: MigrationLockOptions): Promise<void> {
    const table = lockTable(options);
    const deadline = Date.now() + MIGRATION_LOCK_WAIT_MS;
    for (let pauseMs = 20; ; pauseMs = Math.min(pauseMs * 2, 1000)) {
      const { numAffectedRows } = await sql`update ${table} set ${sql.ref('is_locked')} = 1
        where ${sql.ref('id')} = ${options.lockRowId} and ${sql.ref('is_locked')} = 0`.execute(db);
      if (numAffectedRows === 1n) return;
      if (Date.now() > deadline) {
        throw new Error(
          `Another migration has held the lock in ${options.lockTable} for more than 10 minutes.`,
        );
      }
      await sleep(pauseMs);
    }
  }

  async releaseMigrationLock(db: AnyKysely, options: MigrationLockOptions): Promise<void> {
    await sql`update ${lockTable(options)} set ${sql.ref('is_locked')} = 0
      where ${sql.ref('id')} = ${options.lockRowId}`.execute(db);
  }
}

function lockTable(options: MigrationLockOptions) {
  return options.lockTableSchema
    ? sql.table(`${options.lockTableSchema}.${options.lockTable}`)
    : sql.table(options.lockTable);
}
