import {
  type MoveSession,
  type ReleaseSessionLock,
  type SessionChangeSet,
  SessionConfigError,
  type SessionFields,
  type SessionKey,
  type SessionLockOptions,
  type SessionStoreWithUserSessions,
  SharedSessionLocks,
  type StoredSession,
  type UserKey,
  type UserSessionRecord,
  userKeyChange,
  userKeyOfFields,
  type WriteOptions,
  withDeadline,
} from '@tina4/session-core';
import { connectOnFirstUse } from './connect-on-first-use.js';
import { createMongoClient, DEFAULT_OPERATION_TIMEOUT_MS } from './create-mongo-client.js';
import { decodeFields, encodeFieldName, encodeFields } from './field-names.js';
import { isDuplicateKeyError } from './mongo-errors.js';
import type { MongoClientLike, MongoDbLike, SessionDocument } from './mongo-like-client.js';
import { MongoLockBackend } from './mongo-lock.js';
import { mongoStoreMaintenance } from './mongo-maintenance.js';
import {
  assertCollectionName,
  assertDatabaseName,
  DEFAULT_COLLECTION,
  DEFAULT_DATABASE,
  databaseOfUri,
  LOCKS_SUFFIX,
} from './mongo-names.js';
import { takeSession } from './take-session.js';
import { ttlIndexOnFirstUse } from './ttl-index.js';
import { userKeyIndexOnFirstUse } from './user-key-index.js';

export interface MongoStoreOptions {
  /** A connected (or not yet connected) `MongoClient` of your app. The store never closes it. */
  client?: MongoClientLike;
  /** A `Db` of your app; `database` is then ignored. The store never closes its client. */
  db?: MongoDbLike;
  /** A `mongodb://` or `mongodb+srv://` URI: the store creates the client, and closes it in `close()`. */
  uri?: string;
  /** Options for the client the store creates from `uri`, over its defaults (see `clientDefaults`). */
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
  /**
   * Longest wait for the server in one operation, in milliseconds (default 2000). Past it the
   * operation rejects (the request gets a 503); the server is told the same limit (`maxTimeMS`),
   * and a client the store creates from `uri` gets it as its connect, server-selection and socket
   * timeouts.
   */
  operationTimeoutMs?: number;
  /** The store's name in errors and logs (default `mongodb`). */
  name?: string;
}

/** The server(s), database and collection of a URI, for log lines: credentials and options left out. */
export function describeMongoLocation(uri: string | undefined, database: string, collection: string): string {
  const hosts = uri?.replace(/^mongodb(?:\+srv)?:\/\/(?:[^@/]*@)?/i, '').split(/[/?]/)[0];
  return `${hosts ? `${hosts}, ` : ''}${database}.${collection}`;
}

/**
 * A session store on MongoDB (official driver 6 or 7). Give it exactly one of `client`, `db` or `uri`.
 *
 * Each session is one document `{ _id: key, data: { <field>: <JSON text> }, expiresAt: Date }`,
 * where `key` is the SHA-256 hex of the session id and field names are encoded for MongoDB paths
 * ({@link encodeFieldName}). Every operation matches only a live document (`expiresAt > now`), so a
 * session is gone the moment it expires, whenever the TTL index's background task deletes it (every
 * 60 s on MongoDB; never, on a server without one). A change set is one `updateOne` with
 * `$set`/`$unset` on `data.<field>`: concurrent requests that change different fields of one
 * session all keep their changes.
 */
export async function createMongoStore(options: MongoStoreOptions): Promise<SessionStoreWithUserSessions> {
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
  const timeoutMs = options.operationTimeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;

  const ownClient =
    options.uri === undefined
      ? undefined
      : await createMongoClient(options.uri, options.clientOptions, timeoutMs);
  const client = options.client ?? ownClient;
  const db = options.db ?? client!.db(database);
  return mongoStoreOn(db, collectionName, client, ownClient !== undefined, timeoutMs, options);
}

function mongoStoreOn(
  db: MongoDbLike,
  collectionName: string,
  client: MongoClientLike | undefined,
  ownsClient: boolean,
  timeoutMs: number,
  options: MongoStoreOptions,
): SessionStoreWithUserSessions {
  const name = options.name ?? 'mongodb';
  const sessions = db.collection(collectionName);
  const createIndexes = options.createIndexes ?? true;
  const connected = connectOnFirstUse(client);
  const indexed = ttlIndexOnFirstUse(sessions, createIndexes);
  const userIndexed = userKeyIndexOnFirstUse(sessions, createIndexes);
  /** Connected (a store may start while the server is down), and the TTL and user indexes are there. */
  const ready = async (): Promise<void> => {
    await connected();
    await indexed();
    await userIndexed();
  };
  /** What every operation tells the server: give up after the store's deadline. */
  const limit = { maxTimeMS: timeoutMs } as const;
  /** Bounds an operation (with the TTL index it may have to create first) by the store's deadline. */
  const answer = <T>(work: () => Promise<T>): Promise<T> =>
    withDeadline(
      ready().then(work),
      timeoutMs,
      `${name} did not answer within the store's deadline (TINA4_SESSION_STORE_TIMEOUT)`,
    );
  const live = (key: SessionKey) => ({ _id: key, expiresAt: { $gt: new Date() } });
  const expiryIn = (ttlMs: number) => new Date(Date.now() + ttlMs);

  /** Inserts the first document of `key`, or replaces one that has expired; false when a live one is there. */
  const create = async (
    key: SessionKey,
    fields: Readonly<SessionFields>,
    ttlMs: number,
  ): Promise<boolean> => {
    const data = encodeFields(fields);
    const expiresAt = expiryIn(ttlMs);
    // The user key of a bound session, indexed to list the user's sessions (absent when unbound).
    const userKey = userKeyOfFields(fields);
    const document = { data, expiresAt, ...(userKey !== undefined && { userKey }) };
    try {
      await sessions.insertOne({ _id: key, ...document } satisfies SessionDocument, limit);
      return true;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    // The key is taken. Only by a document that has expired (the TTL task has not deleted it
    // yet, or the server has none)? Then it is replaced whole, in one atomic step: its fields never
    // come back. A live document matches nothing, and the create is refused.
    const replaced = await sessions.replaceOne(
      { _id: key, expiresAt: { $lte: new Date() } },
      document,
      limit,
    );
    return replaced.matchedCount === 1;
  };

  let locks: SharedSessionLocks | undefined;
  // Set up on the first lock(): apps that do not lock get no locks collection.
  const sessionLocks = (): SharedSessionLocks => {
    if (!locks) {
      const collection = db.collection(`${collectionName}${LOCKS_SUFFIX}`);
      const locksIndexed = ttlIndexOnFirstUse(collection, createIndexes);
      const locksReady = async (): Promise<void> => {
        await connected();
        await locksIndexed();
      };
      locks = new SharedSessionLocks(new MongoLockBackend(collection, locksReady, timeoutMs, name));
    }
    return locks;
  };

  return {
    name,
    location: describeMongoLocation(options.uri, db.databaseName, collectionName),

    async ping(): Promise<void> {
      // Connected, the TTL index in place, and a query answered: what every operation needs.
      await answer(() => sessions.findOne({ _id: '' }, limit));
    },

    async read(key: SessionKey): Promise<StoredSession | undefined> {
      const found = (await answer(() =>
        sessions.findOne(live(key), { projection: { _id: 0, data: 1, expiresAt: 1 }, ...limit }),
      )) as Pick<SessionDocument, 'data' | 'expiresAt'> | null;
      // The filter matched `expiresAt` as a date: every document it finds has one.
      return found ? { fields: decodeFields(found.data), expiresAt: found.expiresAt.getTime() } : undefined;
    },

    create(key: SessionKey, fields: Readonly<SessionFields>, { ttlSeconds }: WriteOptions): Promise<boolean> {
      return answer(() => create(key, fields, ttlSeconds * 1000));
    },

    async update(key: SessionKey, changes: SessionChangeSet, { ttlSeconds }: WriteOptions): Promise<boolean> {
      const expiresAt = expiryIn(ttlSeconds * 1000);
      const update = withUserKey(
        changes.replace
          ? { $set: { data: encodeFields(changes.set), expiresAt } }
          : mergeUpdate(changes, expiresAt),
        userKeyChange(changes),
      );
      // Never an upsert: a destroyed, regenerated or expired session stays gone.
      const result = await answer(() => sessions.updateOne(live(key), update, limit));
      return result.matchedCount === 1;
    },

    async move(
      from: SessionKey,
      to: SessionKey,
      move: MoveSession,
      { ttlSeconds }: WriteOptions,
    ): Promise<boolean> {
      // Two documents cannot change in one atomic step without a transaction (which needs a
      // replica set): take `from` out atomically, create `to`, and put `from` back on failure.
      const taken = await answer(() => takeSession(db, collectionName, from, timeoutMs));
      if (!taken) return false;
      try {
        const fields = move(decodeFields(taken.data));
        if (await answer(() => create(to, fields, ttlSeconds * 1000))) return true;
        throw new Error(`${name} already holds a live session under the regenerated key`);
      } catch (error) {
        // As it was, with its own expiry: a failed regenerate loses nothing and extends nothing.
        await answer(() => sessions.insertOne(taken, limit)).catch(() => {});
        throw error;
      }
    },

    async touch(key: SessionKey, { ttlSeconds }: WriteOptions): Promise<boolean> {
      const expiresAt = expiryIn(ttlSeconds * 1000);
      const result = await answer(() => sessions.updateOne(live(key), { $set: { expiresAt } }, limit));
      return result.matchedCount === 1;
    },

    async destroy(key: SessionKey): Promise<void> {
      await answer(() => sessions.deleteOne({ _id: key }, limit));
    },

    lock(key: SessionKey, lockOptions: SessionLockOptions): Promise<ReleaseSessionLock> {
      return sessionLocks().acquire(key, lockOptions);
    },

    async listUserSessions(user: UserKey): Promise<UserSessionRecord[]> {
      const found = (await answer(() =>
        sessions.find({ userKey: user, expiresAt: { $gt: new Date() } }, limit).toArray(),
      )) as SessionDocument[];
      return found.map((document) => ({
        key: document._id,
        fields: decodeFields(document.data),
        expiresAt: document.expiresAt.getTime(),
      }));
    },

    // Operators' commands (`tina4-session stats`, `purge`).
    ...mongoStoreMaintenance(
      sessions,
      () => db.collection(`${collectionName}${LOCKS_SUFFIX}`),
      answer,
      limit,
    ),

    async close(): Promise<void> {
      // Closing ends the server sessions first; a server that does not answer must not hang it.
      if (ownsClient) await withDeadline(client!.close(), timeoutMs, `${name} did not close`).catch(() => {});
    },
  };
}

/**
 * `$set` of the changed fields and the expiry, `$unset` of the deleted ones (left out when there
 * are none: servers before 5.0 reject an empty operator).
 */
function mergeUpdate(changes: SessionChangeSet, expiresAt: Date): MongoUpdate {
  const $set: Record<string, unknown> = Object.fromEntries(
    Object.entries(changes.set).map(([field, text]) => [`data.${encodeFieldName(field)}`, text]),
  );
  $set.expiresAt = expiresAt;
  if (changes.delete.length === 0) return { $set };
  const $unset = Object.fromEntries(
    changes.delete.map((field) => [`data.${encodeFieldName(field)}`, '' as const]),
  );
  return { $set, $unset };
}

/** The update operators the store sends. */
interface MongoUpdate {
  $set: Record<string, unknown>;
  $unset?: Record<string, ''>;
}

/** `update`, also setting the session's user key to `user`, or removing it (`null`), or leaving it (`undefined`). */
function withUserKey(update: MongoUpdate, user: UserKey | null | undefined): MongoUpdate {
  if (typeof user === 'string') return { ...update, $set: { ...update.$set, userKey: user } };
  if (user === null) return { ...update, $unset: { ...update.$unset, userKey: '' } };
  return update;
}
