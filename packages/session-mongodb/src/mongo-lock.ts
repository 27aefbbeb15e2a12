import { type LockBackend, type SessionKey, withDeadline } from '@tina4/session-core';
import { isDuplicateKeyError } from './mongo-errors.js';
import type { LockDocument, MongoCollectionLike } from './mongo-like-client.js';

/**
 * The lock backend of the MongoDB store (used through the core's SharedSessionLocks), shared by
 * every process that uses the collection: one document per held lock,
 * `{ _id: key, token, expiresAt }`. The unique `_id` makes the insert the atomic "take if free";
 * a lease past its `expiresAt` (a crashed holder) is taken over by one conditional update, which
 * MongoDB applies atomically, so only one waiter wins it.
 *
 * Each attempt is bounded by the store's deadline (and `maxTimeMS` on the server). An attempt whose
 * answer is lost (it may have taken the lock just before the server stalled) is followed by a
 * release of its token, so that a short outage does not cost the session the lock's whole lease.
 */
export class MongoLockBackend implements LockBackend {
  constructor(
    readonly locks: MongoCollectionLike,
    /** Resolves once the collection's TTL index exists (called before each attempt). */
    readonly ready: () => Promise<void>,
    readonly timeoutMs: number,
    readonly name: string,
  ) {}

  async tryTake(key: SessionKey, token: string, leaseMs: number): Promise<boolean> {
    try {
      return await this.#answer(this.#take(key, token, leaseMs));
    } catch (error) {
      void this.locks.deleteOne({ _id: key, token }, { maxTimeMS: this.timeoutMs }).catch(() => {});
      throw error;
    }
  }

  async release(key: SessionKey, token: string): Promise<void> {
    await this.#answer(this.locks.deleteOne({ _id: key, token }, { maxTimeMS: this.timeoutMs }));
  }

  async #take(key: SessionKey, token: string, leaseMs: number): Promise<boolean> {
    await this.ready();
    const now = new Date();
    const lock: LockDocument = { _id: key, token, expiresAt: new Date(now.getTime() + leaseMs) };
    try {
      await this.locks.insertOne(lock, { maxTimeMS: this.timeoutMs });
      return true;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    // Held. Take it over only if its lease has run out; matchedCount says whether we did.
    const takeover = await this.locks.updateOne(
      { _id: key, expiresAt: { $lte: now } },
      { $set: { token, expiresAt: lock.expiresAt } },
      { maxTimeMS: this.timeoutMs },
    );
    return takeover.matchedCount === 1;
  }

  #answer<T>(work: Promise<T>): Promise<T> {
    return withDeadline(work, this.timeoutMs, `${this.name} did not answer`);
  }
}
