import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { resolveSessionConfig, SessionConfigError, type SessionOptions } from '@tina4/session-core';
import Database from 'better-sqlite3';
import { DialectAdapterBase, Kysely, SqliteAdapter, SqliteDialect } from 'kysely';
import { createStoreFromConfig } from '../src/create-store-from-config.js';
import { createDatabaseStore } from '../src/database-store.js';

const directory = mkdtempSync(join(tmpdir(), 'tina4-session-config-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const write = { replace: false, set: { user: '"ada"' }, delete: [] };
// The core also reads process.env: the variables under test are cleared so that a DATABASE_URL of
// the machine running the tests cannot leak in.
const cleared = {
  DATABASE_URL: undefined,
  TINA4_DATABASE_URL: undefined,
  TINA4_SESSION_TABLE: undefined,
  TINA4_SESSION_REAP_INTERVAL: undefined,
  TINA4_SESSION_REAP_PROBABILITY: undefined,
};
const configOf = (env: Record<string, string>, options: SessionOptions = {}) =>
  resolveSessionConfig({
    backend: 'database',
    envFile: false,
    env: { ...cleared, ...env },
    logger: { warn() {}, error() {} },
    ...options,
  });
const tablesIn = (file: string): string[] => {
  const database = new Database(file, { readonly: true });
  const names = database.prepare("select name from sqlite_master where type = 'table' order by name").all();
  database.close();
  return names.map((row) => (row as { name: string }).name);
};

describe('createStoreFromConfig', () => {
  it('uses DATABASE_URL and creates tina4_session and its lock table', async () => {
    const file = join(directory, 'database-url.db');
    const store = await createStoreFromConfig(configOf({ DATABASE_URL: `sqlite:///${file}` }));
    await store.write('a'.repeat(64), write, 60);
    expect((await store.read('a'.repeat(64)))?.fields).toEqual({ user: '"ada"' });
    await store.close();
    expect(tablesIn(file)).toEqual(['tina4_session', 'tina4_session_lock']);
  });

  it('uses TINA4_DATABASE_URL, and TINA4_SESSION_TABLE names the tables', async () => {
    const file = join(directory, 'nested', 'folder', 'tina4-database-url.db');
    const store = await createStoreFromConfig(
      configOf({ TINA4_DATABASE_URL: `sqlite:///${file}`, TINA4_SESSION_TABLE: 'web_sessions' }),
    );
    await store.write('b'.repeat(64), write, 60);
    await store.close();
    expect(tablesIn(file)).toEqual(['web_sessions', 'web_sessions_lock']);
  });

  it('a databaseUrl given in code wins over the environment', async () => {
    const file = join(directory, 'in-code.db');
    const store = await createStoreFromConfig(
      configOf({ DATABASE_URL: 'oracle://nope' }, { databaseUrl: `sqlite:///${file}` }),
    );
    await store.write('c'.repeat(64), write, 60);
    await store.close();
    expect(tablesIn(file)).toContain('tina4_session');
  });

  it('without a URL, says to set DATABASE_URL', async () => {
    await expect(createStoreFromConfig(configOf({}))).rejects.toThrow(SessionConfigError);
    await expect(createStoreFromConfig(configOf({}))).rejects.toThrow(/DATABASE_URL/);
  });

  it.each([
    ['TINA4_SESSION_REAP_PROBABILITY', '2'],
    ['TINA4_SESSION_REAP_PROBABILITY', 'often'],
    ['TINA4_SESSION_REAP_INTERVAL', '-5'],
    ['TINA4_SESSION_REAP_INTERVAL', '1.5'],
    ['TINA4_SESSION_TABLE', 'sessions; drop table users'],
  ])('%s=%s is a SessionConfigError', async (name, value) => {
    const config = configOf({ DATABASE_URL: 'sqlite::memory:', [name]: value });
    await expect(createStoreFromConfig(config)).rejects.toThrow(SessionConfigError);
  });
});

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
    await store.write('d'.repeat(64), write, 60);
    await store.close();
    const rows = await db.selectFrom('tina4_session').select('session_key').execute();
    expect(rows).toEqual([{ session_key: 'd'.repeat(64) }]);
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
    await store.write('e'.repeat(64), write, 60);
    expect((await store.read('e'.repeat(64)))?.fields).toEqual({ user: '"ada"' });
    await store.close();
    await db.destroy();
  });
});

describe('backend errors', () => {
  it('propagate from every operation (the core turns them into 503s)', async () => {
    // Nothing listens on port 1: the connection is refused at once.
    const store = await createDatabaseStore({
      url: 'postgres://user:pw@127.0.0.1:1/none',
      logger: { warn() {}, error() {} },
    });
    const key = 'f'.repeat(64);
    await expect(store.read(key)).rejects.toThrow(/ECONNREFUSED/);
    await expect(store.write(key, write, 60)).rejects.toThrow(/ECONNREFUSED/);
    await expect(store.touch(key, 60)).rejects.toThrow(/ECONNREFUSED/);
    await expect(store.destroy(key)).rejects.toThrow(/ECONNREFUSED/);
    await expect(store.lock!(key, { waitMs: 100, leaseMs: 1000 })).rejects.toThrow(/ECONNREFUSED/);
    await store.close();
  });

  it('options out of range are SessionConfigErrors', async () => {
    await expect(createDatabaseStore({ url: 'sqlite::memory:', reapProbability: 1.5 })).rejects.toThrow(
      SessionConfigError,
    );
    await expect(createDatabaseStore({ url: 'sqlite::memory:', reapIntervalMs: -1 })).rejects.toThrow(
      SessionConfigError,
    );
    await expect(createDatabaseStore({ url: 'sqlite::memory:', table: 'x'.repeat(27) })).rejects.toThrow(
      /at most 26/,
    );
  });
});
