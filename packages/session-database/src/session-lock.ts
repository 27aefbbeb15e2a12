import { randomBytes } from 'node:crypto';
import {
  KeyedMutex,
  pollForLock,
  type ReleaseSessionLock,
  type SessionKey,
  type SessionLockOptions,
} from '@tina4/session-core';
import type { AnyKysely } from './any-kysely.js';
import { isUniqueViolation } from './sql-errors.js';

/**
 * Per-session locks that hold across processes: a lock is a row in the lock table, keyed by the
 * session key, so inserting it is an atomic "take if free". The row carries its holder's random
 * token (only the holder deletes it) and a lease expiry: a lease left behind by a crashed process
 * is deleted by the next taker once it has run out, and the primary key still lets only one
 * taker win. Requests of this process queue in memory first, so they do not poll against each other.
 */
export function createSessionLocker(
  db: AnyKysely,
  lockTable: string,
): (key: SessionKey, options: SessionLockOptions) => Promise<ReleaseSessionLock> {
  const local = new KeyedMutex();

  const tryTake = async (key: SessionKey, token: string, leaseMs: number): Promise<boolean> => {
    const now = Date.now();
    await db.deleteFrom(lockTable).where('session_key', '=', key).where('lease_until', '<=', now).execute();
    try {
      await db
        .insertInto(lockTable)
        .values({ session_key: key, token, lease_until: now + leaseMs })
        .execute();
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  };

  return async (key, { waitMs, leaseMs }) => {
    const deadline = Date.now() + waitMs;
    const releaseLocal = await local.acquire(key, waitMs);
    const token = randomBytes(16).toString('hex');
    try {
      await pollForLock(() => tryTake(key, token, leaseMs), Math.max(0, deadline - Date.now()));
    } catch (error) {
      await releaseLocal();
      throw error;
    }
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      try {
        await db.deleteFrom(lockTable).where('session_key', '=', key).where('token', '=', token).execute();
      } finally {
        await releaseLocal();
      }
    };
  };
}
