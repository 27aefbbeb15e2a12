import type { PurgeProgressListener, PurgeResult, SessionCounts, SessionStore } from '@tina4/session-core';
import type { MongoCollectionLike, MongoOperationOptions } from './mongo-like-client.js';

/** Documents one purge step deletes: each `deleteMany` stays short, and progress can be shown. */
const PURGE_BATCH_DOCUMENTS = 1000;

/** The `Collection` methods that counting and purging use, beyond the store's own (see mongo-like-client.ts). */
interface MaintainedCollection {
  countDocuments(filter: object, options: MongoOperationOptions): Promise<number>;
  find(
    filter: object,
    options: MongoOperationOptions & { readonly projection?: object },
  ): { limit(count: number): { toArray(): Promise<readonly { readonly _id: unknown }[]> } };
  deleteMany(filter: object, options: MongoOperationOptions): Promise<{ readonly deletedCount: number }>;
}

/**
 * `count` and `purgeExpired` of the MongoDB store. Expired documents are those whose `expiresAt` has
 * passed: MongoDB's TTL task deletes them within about a minute, a server without one (some
 * MongoDB-compatible servers) never does, and there a purge is what keeps the collection small.
 * A purge deletes in batches, by `_id` and still-expired `expiresAt`, so that a session refreshed
 * meanwhile stays; expired locks (`<collection>_locks`) go as well.
 *
 * @param answer Runs one operation once the store is connected, within its deadline.
 */
export function mongoStoreMaintenance(
  sessions: MongoCollectionLike,
  locks: () => MongoCollectionLike,
  answer: <T>(work: () => Promise<T>) => Promise<T>,
  limit: MongoOperationOptions,
): Required<Pick<SessionStore, 'count' | 'purgeExpired'>> {
  const maintained = (collection: MongoCollectionLike): MaintainedCollection => {
    const candidate = collection as MongoCollectionLike & Partial<MaintainedCollection>;
    if (
      typeof candidate.countDocuments !== 'function' ||
      typeof candidate.find !== 'function' ||
      typeof candidate.deleteMany !== 'function'
    ) {
      throw new TypeError(
        `The collection ${collection.collectionName} has no countDocuments, find or deleteMany: counting and ` +
          'purging sessions need a Collection of the official mongodb driver.',
      );
    }
    return candidate as MaintainedCollection;
  };
  const expiredAt = (now: Date) => ({ expiresAt: { $lte: now } });

  return {
    async count(): Promise<SessionCounts> {
      const collection = maintained(sessions);
      const now = new Date();
      const live = await answer(() => collection.countDocuments({ expiresAt: { $gt: now } }, limit));
      const expired = await answer(() => collection.countDocuments(expiredAt(now), limit));
      return { live, expired };
    },

    async purgeExpired(onProgress?: PurgeProgressListener): Promise<PurgeResult> {
      const collection = maintained(sessions);
      // One instant for the whole purge: it ends even while sessions keep expiring.
      const now = new Date();
      const total = await answer(() => collection.countDocuments(expiredAt(now), limit));
      let removed = 0;
      onProgress?.({ done: 0, total });
      for (;;) {
        const batch = await answer(() =>
          collection
            .find(expiredAt(now), { projection: { _id: 1 }, ...limit })
            .limit(PURGE_BATCH_DOCUMENTS)
            .toArray(),
        );
        if (batch.length === 0) break;
        const ids = batch.map((document) => document._id);
        const { deletedCount } = await answer(() =>
          collection.deleteMany({ _id: { $in: ids }, ...expiredAt(now) }, limit),
        );
        removed += deletedCount;
        onProgress?.({ done: removed, total: Math.max(total, removed) });
        if (batch.length < PURGE_BATCH_DOCUMENTS) break;
      }
      const lockCollection = maintained(locks());
      await answer(() => lockCollection.deleteMany(expiredAt(now), limit));
      return { removed };
    },
  };
}
