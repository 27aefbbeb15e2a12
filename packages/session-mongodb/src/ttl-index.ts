import { onFirstUse } from './first-use.js';
import type { MongoCollectionLike } from './mongo-like-client.js';

/** MongoDB error codes that a clearer message can explain. */
const UNAUTHORIZED = 13;
const INDEX_OPTIONS_CONFLICT = 85;
const INDEX_KEY_SPECS_CONFLICT = 86;

/**
 * A function that makes sure `collection` has its TTL index, `{ expiresAt: 1 }` with
 * `expireAfterSeconds: 0`: MongoDB deletes a document once its `expiresAt` has passed (checked by
 * a background task about once a minute). The index is created on first use; `createIndex` is a
 * no-op when the same index exists, so many processes starting at once are fine. A failure is not
 * remembered: the next operation tries again.
 */
export function ttlIndexOnFirstUse(collection: MongoCollectionLike, enabled: boolean): () => Promise<void> {
  if (!enabled) return async () => {};
  return onFirstUse(async () => {
    try {
      await collection.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
    } catch (error) {
      throw explain(error, collection.collectionName);
    }
  });
}

function explain(error: unknown, collectionName: string): unknown {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  const reason = error instanceof Error ? error.message : String(error);
  const index = `the TTL index { expiresAt: 1 } (expireAfterSeconds: 0) on collection "${collectionName}"`;
  if (code === UNAUTHORIZED) {
    return new Error(
      `The database user may not create ${index} (${reason}). Create it once as an administrator ` +
        '(see the @tina4/session-mongodb README) and pass createIndexes: false, or grant the createIndex action.',
      { cause: error },
    );
  }
  if (code === INDEX_OPTIONS_CONFLICT || code === INDEX_KEY_SPECS_CONFLICT) {
    return new Error(
      `Could not create ${index}: an index on expiresAt with other options exists (${reason}). Drop it; ` +
        'the store needs expireAfterSeconds: 0 because each document holds its own expiry time.',
      { cause: error },
    );
  }
  return error;
}
