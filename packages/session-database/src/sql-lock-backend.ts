import type { LockBackend, SessionKey } from '@tina4/session-core';
import type { AnyKysely } from './any-kysely.js';
import { isUniqueViolation } from './sql-errors.js';

/**
 * The lock backend of the SQL store (used through the core's SharedSessionLocks), shared by every
 * process on the database: a held lock is a row in the lock table, keyed by the session key, so
 * inserting it is the atomic "take if free". The row carries its holder's random token (only the
 * holder deletes it) and a lease expiry: a lease left behind by a crashed process is deleted by the
 * next taker once it has run out, and the primary key still lets only one of several takers win.
 */
export class SqlLockBackend implements LockBackend {
  readonly #db: AnyKysely;
  readonly #table: string;

  /** @param table The lock table, which must exist before the first {@link tryTake}. */
  constructor(db: AnyKysely, table: string) {
    this.#db = db;
    this.#table = table;
  }

  async tryTake(key: SessionKey, token: string, leaseMs: number): Promise<boolean> {
    const now = Date.now();
    await this.#db
      .deleteFrom(this.#table)
      .where('session_key', '=', key)
      .where('lease_until', '<=', now)
      .execute();
    try {
      await this.#db
        .insertInto(this.#table)
        .values({ session_key: key, token, lease_until: now + leaseMs })
        .execute();
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async release(key: SessionKey, token: string): Promise<void> {
    await this.#db
      .deleteFrom(this.#table)
      .where('session_key', '=', key)
      .where('token', '=', token)
      .execute();
  }
}
