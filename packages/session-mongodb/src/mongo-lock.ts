import type { LockBackend, SessionKey } from '@tina4/session-core';
import { isDuplicateKeyError } from './mongo-errors.js';
import type { LockDocument, MongoCollectionLike } from './mongo-like-client.js';

/**
 * The lock backend of the MongoDB store (used through the core's SharedSessionLocks), shared by
 * every process that uses the collection: one document per held lock,
 * `{ _id: key, token, expiresAt }`. The unique `_id` makes the insert the atomic "take if free";
 * a lease past its `expiresAt` (a crashed holder) is taken over by one conditional update, which
 * MongoDB applies atomically, so only one waiter wins it.
 */
export class MongoLockBackend implements LockBackend {
  readonly #locks: MongoCollectionLike;
  readonly #ready: () => Promise<void>;

  /** @param ready Resolves once the collection's TTL index exists (called before each attempt). */
  constructor(locks: MongoCollectionLike, ready: () => Promise<void>) {
    this.#locks = locks;
    this.#ready = ready;
  }

  async tryTake(key: SessionKey, token: string, leaseMs: number): Promise<boolean> {
    await this.#ready();
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

  async release(key: SessionKey, token: string): Promise<void> {
    await this.#locks.deleteOne({ _id: key, token });
  }
}
