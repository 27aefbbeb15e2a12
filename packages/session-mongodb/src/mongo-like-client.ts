/**
 * The parts of the official `mongodb` driver the store uses, described structurally (as kysely
 * describes its database drivers) so that this package's types do not depend on one driver
 * version: a `MongoClient`, `Db` and `Collection` of driver 6 or 7 fit as they are.
 */

/** A `MongoClient`: the store asks it for a database, and closes it only when the store created it. */
export interface MongoClientLike {
  db(name?: string): MongoDbLike;
  close(): Promise<void>;
}

/** A `Db`. */
export interface MongoDbLike {
  collection(name: string): MongoCollectionLike;
}

/** The few `Collection` methods the store calls. */
export interface MongoCollectionLike {
  readonly collectionName: string;
  findOne(filter: object, options: { projection: object }): Promise<object | null>;
  insertOne(document: object): Promise<unknown>;
  updateOne(
    filter: object,
    update: object,
    options?: { upsert?: boolean },
  ): Promise<{ readonly matchedCount: number; readonly upsertedCount: number }>;
  deleteOne(filter: object): Promise<{ readonly deletedCount: number }>;
  createIndex(keys: Record<string, 1 | -1>, options: { expireAfterSeconds: number }): Promise<string>;
}

/** One session as stored: `_id` is the session key (SHA-256 hex of the id), never the id itself. */
export interface SessionDocument {
  _id: string;
  /** Encoded field name (see `encodeFieldName`) -> JSON text of the value. */
  data?: Record<string, string>;
  /** When the session expires; the TTL index removes the document some time after. */
  expiresAt: Date;
}

/** A per-session lock, in the `<collection>_locks` collection. */
export interface LockDocument {
  _id: string;
  /** Random per acquisition: only the holder's release deletes it. */
  token: string;
  /** End of the lease: past it, another request may take the lock over. */
  expiresAt: Date;
}
