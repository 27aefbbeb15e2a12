import { describe, expect, it } from '@jest/globals';
import { sessionErrorCode } from '@tina4/session-core';
import { newKey } from '@tina4/session-core/testing';
import Database from 'better-sqlite3';
import { DialectAdapterBase, Kysely, SqliteAdapter, SqliteDialect } from 'kysely';
import { createDatabaseStore } from '../src/database-store.js';

const LONG = { ttlSeconds: 60 };
const quiet = { warn() {}, error() {} };

/** An app's own database type: the store accepts its Kysely instance whatever the type. */
interface AppDatabase {
  tina4_session: { session_key: string; data: string; expires_at: number };
}

describe('an existing Kysely instance', () => {
  it('is used as given, recognised as SQLite, and left open by close()', async () => {
    const db = new Kysely<AppDatabase>({
      dialect: new SqliteDialect({ database: new Database(':memory:') }),
    });
    const store = await createDatabaseStore({ db });
    const key = newKey();
    expect(await store.create(key, { user: '"ada"' }, LONG)).toBe(true);
    await store.close();
    const rows = await db.selectFrom('tina4_session').select('session_key').execute();
    expect(rows).toEqual([{ session_key: key }]);
    await db.destroy();
  });

  it('of a dialect the store does not know needs `engine`', async () => {
    class CustomAdapter extends DialectAdapterBase {
      readonly #sqlite = new SqliteAdapter();
      acquireMigrationLock = this.#sqlite.acquireMigrationLock;
      releaseMigrationLock = this.#sqlite.releaseMigrationLock;
    }
    const sqlite = new SqliteDialect({ database: new Database(':memory:') });
    const db = new Kysely<AppDatabase>({
      dialect: {
        createAdapter: () => new CustomAdapter(),
        createDriver: () => sqlite.createDriver(),
        createIntrospector: (instance) => sqlite.createIntrospector(instance),
        createQueryCompiler: () => sqlite.createQueryCompiler(),
      },
    });
    await expect(createDatabaseStore({ db })).rejects.toThrow(/Pass `engine`/);
    const store = await createDatabaseStore({ db, engine: 'sqlite' });
    const key = newKey();
    expect(await store.create(key, { user: '"ada"' }, LONG)).toBe(true);
    expect((await store.read(key))?.fields).toEqual({ user: '"ada"' });
    await store.close();
    await db.destroy();
  });
});

describe('backend errors', () => {
  it('propagate from every operation (the core turns them into 503s)', async () => {
    // Nothing listens on port 1: the connection is refused at once.
    const store = await createDatabaseStore({ url: 'postgres://user:pw@127.0.0.1:1/none', logger: quiet });
    const [key, other] = [newKey(), newKey()];
    const refused = /ECONNREFUSED/;
    await expect(store.read(key)).rejects.toThrow(refused);
    await expect(store.create(key, { a: '1' }, LONG)).rejects.toThrow(refused);
    await expect(store.update(key, { replace: false, set: { a: '1' }, delete: [] }, LONG)).rejects.toThrow(
      refused,
    );
    await expect(store.move(key, other, (fields) => ({ ...fields }), LONG)).rejects.toThrow(refused);
    await expect(store.touch(key, LONG)).rejects.toThrow(refused);
    await expect(store.destroy(key)).rejects.toThrow(refused);
    await expect(store.lock!(key, { waitMs: 100, leaseMs: 1000 })).rejects.toThrow(refused);
    await store.close();
  });

  it.each([
    [{ reapProbability: 1.5 }, /reapProbability/],
    [{ reapIntervalMs: -1 }, /reapIntervalMs/],
    [{ poolSize: 0 }, /poolSize/],
    [{ table: 'x'.repeat(27) }, /at most 26/],
    [{ url: 'oracle://scott:tiger-secret@db/orcl' }, /unsupported scheme/],
  ])('%j is a configuration error', async (options, message) => {
    const error = await createDatabaseStore({ url: 'sqlite::memory:', ...options }).catch(
      (caught: unknown) => caught,
    );
    expect(sessionErrorCode(error)).toBe('E_SESSION_CONFIG');
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('tiger-secret');
  });
});
