import {
  type ReleaseSessionLock,
  type SessionChangeSet,
  SessionConfigError,
  type SessionKey,
  type SessionLockOptions,
  type SessionStore,
  SharedSessionLocks,
  type StoredSession,
} from '@tina4/session-core';
import { createMongoClient } from './create-client.js';
import { decodeFields, encodeFieldName, encodeFields } from './field-names.js';
import {
  assertCollectionName,
  assertDatabaseName,
  DEFAULT_COLLECTION,
  DEFAULT_DATABASE,
  databaseOfUri,
} from './mongo-connection.js';
import { isDuplicateKeyError } from './mongo-errors.js';
import type { MongoClientLike, MongoDbLike, SessionDocument } from './mongo-like-client.js';
import { MongoLockBackend } from './mongo-lock.js';
import { ttlIndexOnFirstUse } from './ttl-index.js';

export interface MongoStoreOptions {
  /** A connected (or not yet connected) `MongoClient` of your app. The store never closes it. */
  client?: MongoClientLike;
  /** A `Db` of your app; `database` is then ignored. The store never closes its client. */
  db?: MongoDbLike;
  /** A `mongodb://` or `mongodb+srv://` URI: the store creates the client, and closes it in `close()`. */
  uri?: string;
  /** Options for the client the store creates from `uri`, over {@link DEFAULT_CLIENT_OPTIONS}. */
  clientOptions?: Record<string, unknown>;
  /** The database, with `client` or `uri` (default: the URI's path, else `tina4_sessions`). */
  database?: string;
  /** The sessions' collection (default `tina4_sessions`); locks live in `<collection>_locks`. */
  collection?: string;
  /**
   * Create the TTL indexes on first use (default true). Pass false when the app's database user
   * may not create indexes and they were created beforehand (see the README).
   */
  createIndexes?: boolean;
  /** The store's name in errors and logs (default `mongodb`). */
  name?: string;
}

/** Attempts at a write that keeps meeting a concurrent insert of the same session. */
const WRITE_ATTEMPTS = 3;

/**
 * A session store on MongoDB (official driver 6 or 7). Give it exactly one of `client`, `db` or `uri`.
 *
 * Each session is one document `{ _id: key, data: { <field>: <JSON text> }, expiresAt: Date }`,
 * where `key` is the SHA-256 hex of the session id and field names are encoded for MongoDB paths
 * ({@link encodeFieldName}). A TTL index on `expiresAt` removes expired documents; reads also
 * filter on `expiresAt`, since MongoDB's TTL task runs only about once a minute. A change set is
 * one `updateOne` with `$set`/`$unset` on `data.<field>` and `upsert`, so concurrent requests that
 * change different fields of one session all keep their changes.
 */
export async function createMongoStore(options: MongoStoreOptions): Promise<SessionStore> {
  const given = (['client', 'db', 'uri'] as const).filter((option) => options[option] !== undefined);
  if (given.length !== 1) {
    throw new SessionConfigError(
      `createMongoStore needs exactly one of client, db or uri${given.length ? `; it got ${given.join(' and ')}` : ''}.`,
    );
  }
  const collectionName = options.collection ?? DEFAULT_COLLECTION;
  assertCollectionName(collectionName, 'collection');
  // With a URI, its path names the default database: `db()` without a name would pick the driver's ("test").
  const database =
    options.database ??
    (options.uri === undefined ? undefined : databaseOfUri(options.uri)) ??
    DEFAULT_DATABASE;
  if (!options.db) assertDatabaseName(database, 'database');

  const ownClient =
    options.uri === undefined ? undefined : await createMongoClient(options.uri, options.clientOptions);
  const db = options.db ?? (options.client ?? ownClient)!.db(database);
  return mongoStoreOn(db, collectionName, ownClient, options);
}

function mongoStoreOn(
  db: MongoDbLike,
  collectionName: string,
  ownClient: MongoClientLike | undefined,
  options: MongoStoreOptions,
): SessionStore {
  const sessions = db.collection(collectionName);
  const createIndexes = options.createIndexes ?? true;
  const ready = ttlIndexOnFirstUse(sessions, createIndexes);
  let locks: SharedSessionLocks | undefined;
  // Set up on the first lock(): apps that do not lock get no locks collection.
  const sessionLocks = (): SharedSessionLocks => {
    if (!locks) {
      const collection = db.collection(`${collectionName}_locks`);
      locks = new SharedSessionLocks(
        new MongoLockBackend(collection, ttlIndexOnFirstUse(collection, createIndexes)),
      );
    }
    return locks;
  };

  return {
    name: options.name ?? 'mongodb',

    async read(key: SessionKey): Promise<StoredSession | undefined> {
      await ready();
      const found = (await sessions.findOne(
        { _id: key, expiresAt: { $gt: new Date() } },
        { projection: { _id: 0, data: 1, expiresAt: 1 } },
      )) as Omit<SessionDocument, '_id'> | null;
      return found ? { fields: decodeFields(found.data), expiresAt: found.expiresAt.getTime() } : undefined;
    },

    async write(key: SessionKey, changes: SessionChangeSet, ttlSeconds: number): Promise<void> {
      await ready();
      const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
      const whole = { $set: { data: encodeFields(changes.set), expiresAt } };
      if (changes.replace) {
        await retryOnDuplicateKey(() => sessions.updateOne({ _id: key }, whole, { upsert: true }));
        return;
      }
      const merge = mergeUpdate(changes, expiresAt);
      await retryOnDuplicateKey(async () => {
        const now = new Date();
        try {
          await sessions.updateOne({ _id: key, expiresAt: { $gt: now } }, merge, { upsert: true });
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
          // The filter matched nothing, yet the insert found the `_id` taken: the document exists
          // but has expired (the TTL task has not removed it yet), or a concurrent write has just
          // created it. Expired: start from an empty record, so an expired session's fields never
          // come back. Just created: this matches nothing either, and the next attempt merges.
          await sessions.updateOne({ _id: key, expiresAt: { $lte: now } }, whole, { upsert: true });
        }
      });
    },

    async touch(key: SessionKey, ttlSeconds: number): Promise<void> {
      await ready();
      // Only an unexpired document: an expired session must not come back to life.
      await sessions.updateOne(
        { _id: key, expiresAt: { $gt: new Date() } },
        { $set: { expiresAt: new Date(Date.now() + ttlSeconds * 1000) } },
      );
    },

    async destroy(key: SessionKey): Promise<void> {
      await sessions.deleteOne({ _id: key });
    },

    lock(key: SessionKey, lockOptions: SessionLockOptions): Promise<ReleaseSessionLock> {
      return sessionLocks().acquire(key, lockOptions);
    },

    async close(): Promise<void> {
      await ownClient?.close();
    },
  };
}

/**
 * `$set` of the changed fields and the expiry, `$unset` of the deleted ones (left out when there
 * are none: servers before 5.0 reject an empty operator).
 */
function mergeUpdate(changes: SessionChangeSet, expiresAt: Date): object {
  const $set: Record<string, unknown> = Object.fromEntries(
    Object.entries(changes.set).map(([name, text]) => [`data.${encodeFieldName(name)}`, text]),
  );
  $set.expiresAt = expiresAt;
  if (changes.delete.length === 0) return { $set };
  const $unset = Object.fromEntries(changes.delete.map((name) => [`data.${encodeFieldName(name)}`, '']));
  return { $set, $unset };
}

/**
 * Runs `work` again when it fails with a duplicate key: two upserts of a session that does not
 * exist yet race, one inserts and the other meets the `_id` it just took. The retry then finds the
 * document and updates it. (MongoDB 4.2+ retries such upserts itself only when the filter is
 * nothing but `_id`.)
 */
async function retryOnDuplicateKey(work: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await work();
      return;
    } catch (error) {
      if (!isDuplicateKeyError(error) || attempt === WRITE_ATTEMPTS) throw error;
    }
  }
}
