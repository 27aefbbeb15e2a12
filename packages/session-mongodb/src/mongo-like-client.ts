/**
 * The parts of the official `mongodb` driver the store uses, described structurally so that this
 * package's types do not depend on one driver version: a `MongoClient`, `Db` and `Collection` of
 * driver 6 or 7 fit as they are (the tests check it against the installed driver).
 */

/** Options every operation of the store passes: the server gives up on it after `maxTimeMS`. */
export interface MongoOperationOptions {
  readonly maxTimeMS?: number;
}

/** A `MongoClient`: the store asks it for a database, and closes it only when the store created it. */
export interface MongoClientLike {
  db(name?: string): MongoDbLike;
  /** Connects (a no-op once connected); the store calls it before its first operation. */
  connect?(): Promise<unknown>;
  close(): Promise<void>;
}

/** A `Db`. */
export interface MongoDbLike {
  readonly databaseName: string;
  collection(name: string): MongoCollectionLike;
  /** A database command as it is written (the store sends `findAndModify` this way, see `takeSession`). */
  command(command: Record<string, unknown>): Promise<Record<string, unknown>>;
}

/** The few `Collection` methods the store calls. */
export interface MongoCollectionLike {
  readonly collectionName: string;
  findOne(
    filter: object,
    options: MongoOperationOptions & { readonly projection?: object },
  ): Promise<object | null>;
  insertOne(document: object, options: MongoOperationOptions): Promise<unknown>;
  replaceOne(
    filter: object,
    replacement: object,
    options: MongoOperationOptions,
  ): Promise<{ readonly matchedCount: number }>;
  updateOne(
    filter: object,
    update: object,
    options: MongoOperationOptions,
  ): Promise<{ readonly matchedCount: number }>;
  deleteOne(filter: object, options: MongoOperationOptions): Promise<{ readonly deletedCount: number }>;
  createIndex(
    keys: Record<string, 1 | -1>,
    options: { readonly expireAfterSeconds: number } | { readonly sparse: boolean },
  ): Promise<string>;
  /** The documents of a user's sessions. */
  find(filter: object, options: MongoOperationOptions): { toArray(): Promise<object[]> };
}

/** One session as stored: `_id` is the session key (SHA-256 hex of the id), never the id itself. */
export interface SessionDocument {
  _id: string;
  /** Encoded field name (see `encodeFieldName`) -> JSON text of the value. */
  data: Record<string, string>;
  /** When the session expires: reads ignore it from then on, the TTL index deletes it later. */
  expiresAt: Date;
  /** The user key of the user the session is bound to (`setUser`); absent when it is bound to nobody. */
  userKey?: string;
}

/** A per-session lock, in the `<collection>_locks` collection. */
export interface LockDocument {
  _id: string;
  /** Random per acquisition: only the holder's release deletes it. */
  token: string;
  /** End of the lease: past it, another request may take the lock over. */
  expiresAt: Date;
}
