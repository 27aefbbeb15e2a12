import { randomBytes } from 'node:crypto';
import type { StoreBackdoor } from '@tina4/session-core/testing';
import type { Collection, Db, MongoClient } from 'mongodb';

/**
 * Raw MongoDB access for the tests of `@tina4/session-mongodb`: a plain driver client that reads
 * the documents the store wrote (never through the store), and what the tests need to know about
 * the server they run against.
 */

/** A session document as the store writes it (see the package README's data model). */
export interface StoredSessionDocument {
  _id: string;
  data?: Record<string, string>;
  expiresAt: Date;
}

/** A lock document in `<collection>_locks`. */
export interface StoredLockDocument {
  _id: string;
  token: string;
  expiresAt: Date;
}

export interface RawMongo {
  readonly client: MongoClient;
  readonly db: Db;
  readonly sessions: Collection<StoredSessionDocument>;
  readonly locks: Collection<StoredLockDocument>;
  /** Removes what this run wrote (the whole database where the server can drop it), then closes. */
  close(): Promise<void>;
}

/** The server a URL points at: its reported version, and whether it is the jongodb stand-in. */
export interface MongoServerInfo {
  readonly version: string;
  /**
   * True for jongodb (`@jongodb/memory-server-bin-*`), which reports `<version>-jongodb` in
   * `buildInfo`: a MongoDB-compatible server for tests, not MongoDB. It never deletes expired
   * documents (no TTL monitor), ignores projections, lacks dropDatabase/drop/listCollections, and
   * serialises all requests.
   */
  readonly standIn: boolean;
}

/** The name tests print when they skip something on the stand-in. */
export const MONGO_STAND_IN = 'jongodb (a MongoDB-compatible stand-in server, not MongoDB)';

/** A database name of its own for one test file (`tina4_test_<label>_<random>`), so runs never meet. */
export function uniqueMongoDatabase(label: string): string {
  const safe = label.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 30);
  return `tina4_test_${safe}_${randomBytes(4).toString('hex')}`;
}

/**
 * A raw client on `url`, reading `<database>.<collection>` and its `_locks` collection. The driver
 * is imported only now: the other packages' tests that load this harness never pay for it.
 */
export async function openRawMongo(
  url: string,
  database: string,
  collection = 'tina4_sessions',
): Promise<RawMongo> {
  const { MongoClient } = await import('mongodb');
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
  const db = client.db(database);
  const sessions = db.collection<StoredSessionDocument>(collection);
  const locks = db.collection<StoredLockDocument>(`${collection}_locks`);
  return {
    client,
    db,
    sessions,
    locks,
    async close() {
      try {
        await db.dropDatabase();
      } catch (error) {
        // The stand-in has no dropDatabase (CommandNotFound): empty what the store writes instead.
        if ((error as { code?: unknown }).code !== 59) throw error;
        await sessions.deleteMany({});
        await locks.deleteMany({});
        console.warn(
          `[test-servers] ${database}: the server has no dropDatabase (the jongodb stand-in), so the ` +
            'test emptied its collections instead; the empty collections stay until the server restarts.',
        );
      } finally {
        await client.close();
      }
    },
  };
}

/** What `buildInfo` says about the server (see {@link MongoServerInfo}). */
export async function mongoServerInfo(client: MongoClient): Promise<MongoServerInfo> {
  const { version } = (await client.db('admin').command({ buildInfo: 1 })) as { version?: unknown };
  const text = typeof version === 'string' ? version : String(version);
  return { version: text, standIn: /-jongodb$/i.test(text) };
}

/**
 * A session field name as the store encodes it for a MongoDB path, decoded: `%XX` is the character
 * with that hex code. Written here again, not imported from the store, so that the back door checks
 * the documented data model rather than the store's own code.
 */
export function decodeStoredFieldName(key: string): string {
  return key.replace(/%([0-9A-F]{2})/g, (_escape, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

/**
 * The compliance suite's view of a MongoDB store: the documents themselves, read with a raw client.
 * An expired document that the server has not deleted yet is still there for the back door (its
 * `ttlMs` is then zero or less), as the suite allows.
 */
export function mongoBackdoor(raw: Pick<RawMongo, 'sessions' | 'locks'>): StoreBackdoor {
  return {
    async fields(key) {
      const document = await raw.sessions.findOne({ _id: key });
      if (!document) return undefined;
      return Object.fromEntries(
        Object.entries(document.data ?? {}).map(([name, text]) => [decodeStoredFieldName(name), text]),
      );
    },
    async ttlMs(key) {
      const document = await raw.sessions.findOne({ _id: key });
      return document ? document.expiresAt.getTime() - Date.now() : undefined;
    },
    async dump() {
      return JSON.stringify({
        sessions: await raw.sessions.find({}).toArray(),
        locks: await raw.locks.find({}).toArray(),
      });
    },
  };
}
