import { onFirstUse } from './first-use.js';
import type { MongoCollectionLike } from './mongo-like-client.js';

/** MongoDB error code that a clearer message can explain. */
const UNAUTHORIZED = 13;

/**
 * A function that makes sure `collection` has the index `{ userKey: 1 }` that lists a user's
 * sessions (`userKey` is the user key of a session bound to a user, absent otherwise; a sparse
 * index holds only the bound ones). Created on first use, as the TTL index is; `createIndex` is a
 * no-op when the same index exists. A failure is not remembered: the next operation tries again.
 */
export function userKeyIndexOnFirstUse(
  collection: MongoCollectionLike,
  enabled: boolean,
): () => Promise<void> {
  if (!enabled) return async () => {};
  return onFirstUse(async () => {
    try {
      await collection.createIndex({ userKey: 1 }, { sparse: true });
    } catch (error) {
      throw explain(error, collection.collectionName);
    }
  });
}

function explain(error: unknown, collectionName: string): unknown {
  if ((error as { code?: unknown } | null | undefined)?.code !== UNAUTHORIZED) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new Error(
    `The database user may not create the index { userKey: 1 } (sparse) on collection "${collectionName}" ` +
      `(${reason}). Create it once as an administrator (see the @tina4/session-mongodb README) and pass ` +
      'createIndexes: false, or grant the createIndex action.',
    { cause: error },
  );
}
