import { randomBytes } from 'node:crypto';
import {
  KeyedMutex,
  pollForLock,
  type ReleaseSessionLock,
  type SessionKey,
  type SessionLockOptions,
} from '@tina4/session-core';
import { isDuplicateKeyError } from './mongo-errors.js';
import type { LockDocument, MongoCollectionLike } from './mongo-like-client.js';

/**
 * Per-session locks shared by every process that uses the collection: one document per held lock,
 * `{ _id: key, token, expiresAt }`. The unique `_id` makes the insert the atomic "take if free";
 * a lease past its `expiresAt` (a crashed holder) is taken over by one conditional update, which
 * MongoDB applies atomically, so only one waiter wins it.
 */
export class MongoSessionLocks {
  readonly #locks: MongoCollectionLike;
  readonly #ready: () => Promise<void>;
  // Requests of this process queue here first, so that they are served in arrival order and only
  // one of them at a time polls the server.
  readonly #local = new KeyedMutex();

  /** @param ready Resolves once the collection's TTL index exists (called before each attempt). */
  constructor(locks: MongoCollectionLike, ready: () => Promise<void>) {
    this.#locks = locks;
    this.#ready = ready;
  }

  async acquire(key: SessionKey, { waitMs, leaseMs }: SessionLockOptions): Promise<ReleaseSessionLock> {
    const deadline = Date.now() + waitMs;
    const releaseLocal = await this.#local.acquire(key, waitMs);
    const token = randomBytes(16).toString('hex');
    try {
      await this.#ready();
      await pollForLock(() => this.#tryTake(key, token, leaseMs), Math.max(0, deadline - Date.now()));
    } catch (error) {
      await releaseLocal();
      throw error;
    }
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      try {
        // The token guard: a holder whose lease ran out must not delete its successor's lock.
        await this.#locks.deleteOne({ _id: key, token });
      } finally {
        await releaseLocal();
      }
    };
  }

  async #tryTake(key: SessionKey, token: string, leaseMs: number): Promise<boolean> {
    const now = new Date();
    const lock: LockDocument = { _id: key, token, expiresAt: new Date(now.getTime() + leaseMs) };
    try {
      await this.#locks.insertOne(lock);
      return true;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    // Held. Take it over only if its lease has run out; matchedCount says whether we did.
    const takeover = await this.#locks.updateOne(
      { _id: key, expiresAt: { $lte: now } },
      { $set: { token, expiresAt: lock.expiresAt } },
    );
    return takeover.matchedCount === 1;
  }
}
