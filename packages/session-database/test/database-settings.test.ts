import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import {
  createSessionManager,
  type ImportModule,
  resolveSessionConfig,
  type SessionOptions,
  sessionErrorCode,
} from '@tina4/session-core';
import { newKey } from '@tina4/session-core/testing';
import { dropTables, openRawClient, uniqueTable } from '@tina4/test-servers';
import Database from 'better-sqlite3';
import { databaseSettingsFromConfig } from '../src/database-settings.js';
import { createDatabaseStore } from '../src/database-store.js';
import { createStoreFromConfig } from '../src/index.js';

const directory = mkdtempSync(join(tmpdir(), 'tina4-session-settings-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const quiet = { warn() {}, error() {} };
const LONG = { ttlSeconds: 60 };
const configOf = (env: Record<string, string>, options: SessionOptions = {}) =>
  resolveSessionConfig({ backend: 'database', envFile: false, env, logger: quiet, ...options });
const tablesIn = (file: string): string[] => {
  const database = new Database(file, { readonly: true });
  const names = database.prepare("select name from sqlite_master where type = 'table' order by name").all();
  database.close();
  return names.map((row) => (row as { name: string }).name);
};
const sqliteUrl = (name: string) => `sqlite:///${join(directory, name)}`;

/** The error `attempt` throws (synchronously or not). */
async function errorOf(attempt: () => unknown): Promise<Error & { code?: string }> {
  try {
    await attempt();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected an error');
}

/**
 * A stand-in for `pg` that records the pool's configuration and refuses every connection, so that
 * what reaches the driver can be checked without a server.
 */
function recordingPg(): { load: ImportModule; pools: Record<string, unknown>[] } {
  const pools: Record<string, unknown>[] = [];
  class Pool {
    constructor(config: Record<string, unknown>) {
      pools.push(config);
    }
    on() {
      return this;
    }
    connect() {
      return Promise.reject(
        Object.assign(new Error('connect ECONNREFUSED (recording pg)'), { code: 'ECONNREFUSED' }),
      );
    }
    async end() {}
  }
  return { load: async (specifier) => (specifier === 'pg' ? { Pool } : import(specifier)), pools };
}

describe('the database settings', () => {
  it('DATABASE_URL names the database; the tables are tina4_session and its lock table', async () => {
    const file = join(directory, 'database-url.db');
    const store = await createStoreFromConfig(configOf({ DATABASE_URL: `sqlite:///${file}` }));
    expect(await store.create(newKey(), { user: '"ada"' }, LONG)).toBe(true);
    await store.close();
    expect(tablesIn(file)).toEqual(['tina4_session', 'tina4_session_lock']);
  });

  it("TINA4_DATABASE_URL (Tina4's name) works alone, and TINA4_SESSION_TABLE names the tables", async () => {
    const file = join(directory, 'nested', 'folder', 'tina4-database-url.db');
    const store = await createStoreFromConfig(
      configOf({ TINA4_DATABASE_URL: `sqlite:///${file}`, TINA4_SESSION_TABLE: 'web_sessions' }),
    );
    expect(await store.create(newKey(), { user: '"ada"' }, LONG)).toBe(true);
    await store.close();
    expect(tablesIn(file)).toEqual(['web_sessions', 'web_sessions_lock']);
  });

  it('DATABASE_URL and TINA4_DATABASE_URL set alike are fine; set differently, an error names both', async () => {
    const same = sqliteUrl('same.db');
    expect(databaseSettingsFromConfig(configOf({ DATABASE_URL: same, TINA4_DATABASE_URL: same })).url).toBe(
      same,
    );
    const error = await errorOf(() =>
      databaseSettingsFromConfig(
        configOf({
          DATABASE_URL: 'postgres://app:first-secret@db/app',
          TINA4_DATABASE_URL: 'postgres://app:second-secret@db/app',
        }),
      ),
    );
    expect(sessionErrorCode(error)).toBe('E_SESSION_CONFIG');
    expect(error.message).toContain('DATABASE_URL');
    expect(error.message).toContain('TINA4_DATABASE_URL');
    expect(error.message).not.toMatch(/secret/);
  });

  it('sessions({ database: { url, table } }) in code reaches the store, over the variables', async () => {
    const file = join(directory, 'in-code.db');
    const store = await createStoreFromConfig(
      configOf(
        { DATABASE_URL: 'oracle://nope', TINA4_SESSION_TABLE: 'not_this_one' },
        { database: { url: `sqlite:///${file}`, table: 'code_sessions' } },
      ),
    );
    expect(await store.create(newKey(), { a: '1' }, LONG)).toBe(true);
    await store.close();
    expect(tablesIn(file)).toEqual(['code_sessions', 'code_sessions_lock']);
  });

  it('the core loads this package by name for backend "database" and hands it the code options', async () => {
    const file = join(directory, 'through-the-core.db');
    const manager = await createSessionManager({
      backend: 'database',
      database: { url: `sqlite:///${file}`, table: 'core_sessions', reapInterval: 0 },
      envFile: false,
      env: {},
      logger: quiet,
    });
    expect(manager.store.name).toBe('database');
    expect(await manager.store.create(newKey(), { a: '1' }, LONG)).toBe(true);
    await manager.close();
    expect(tablesIn(file)).toEqual(['core_sessions', 'core_sessions_lock']);
  });

  it('without a URL, says to set DATABASE_URL', async () => {
    const error = await errorOf(() => createStoreFromConfig(configOf({})));
    expect(sessionErrorCode(error)).toBe('E_SESSION_CONFIG');
    expect(error.message).toMatch(/DATABASE_URL/);
  });

  it.each([
    ['TINA4_SESSION_REAP_PROBABILITY', '2'],
    ['TINA4_SESSION_REAP_PROBABILITY', 'often'],
    ['TINA4_SESSION_REAP_INTERVAL', '-5'],
    ['TINA4_SESSION_REAP_INTERVAL', '1.5'],
    ['TINA4_SESSION_POOL_SIZE', '0'],
    ['TINA4_SESSION_POOL_SIZE', 'many'],
    ['TINA4_SESSION_TABLE', 'sessions; drop table users'],
    ['TINA4_SESSION_TABLE', 'x'.repeat(27)],
  ])('%s=%s is a configuration error naming the variable', async (name, value) => {
    const error = await errorOf(() =>
      createStoreFromConfig(configOf({ DATABASE_URL: 'sqlite::memory:', [name]: value })),
    );
    expect(sessionErrorCode(error)).toBe('E_SESSION_CONFIG');
    expect(error.message).toContain(name);
  });

  it.each([
    [{ reapProbability: 1.5 }, 'database.reapProbability'],
    [{ reapInterval: -1 }, 'database.reapInterval'],
    [{ poolSize: 0 }, 'database.poolSize'],
    [{ table: 'bad name' }, 'database.table'],
  ])('%j in code is a configuration error naming the option', async (database, name) => {
    const error = await errorOf(() =>
      createStoreFromConfig(configOf({}, { database: { url: 'sqlite::memory:', ...database } })),
    );
    expect(sessionErrorCode(error)).toBe('E_SESSION_CONFIG');
    expect(error.message).toContain(name);
  });

  it('reap interval, reap probability and pool size reach the store options', () => {
    const options = databaseSettingsFromConfig(
      configOf({
        DATABASE_URL: 'sqlite::memory:',
        TINA4_SESSION_REAP_INTERVAL: '0',
        TINA4_SESSION_REAP_PROBABILITY: '0.25',
        TINA4_SESSION_POOL_SIZE: '3',
      }),
    );
    expect(options).toMatchObject({ reapIntervalMs: 0, reapProbability: 0.25, poolSize: 3 });
    const fromCode = databaseSettingsFromConfig(
      configOf(
        { TINA4_SESSION_REAP_INTERVAL: '0' },
        { database: { url: 'sqlite::memory:', reapInterval: 60, reapProbability: 0, poolSize: 4 } },
      ),
    );
    expect(fromCode).toMatchObject({ reapIntervalMs: 60_000, reapProbability: 0, poolSize: 4 });
  });
});

describe('credentials apart from the URL (TINA4_DATABASE_USERNAME, TINA4_DATABASE_PASSWORD)', () => {
  /** The pool configuration the store hands `pg` for these settings. */
  const poolFor = async (env: Record<string, string>, options: SessionOptions = {}) => {
    const pg = recordingPg();
    const store = await createDatabaseStore({
      ...databaseSettingsFromConfig(configOf(env, options)),
      importModule: pg.load,
    });
    await store.close();
    return pg.pools[0];
  };

  it('fill in a URL that has none', async () => {
    expect(
      await poolFor({
        TINA4_DATABASE_URL: 'postgres://db.example.com:5433/app',
        TINA4_DATABASE_USERNAME: 'app',
        TINA4_DATABASE_PASSWORD: ' s3cret with spaces',
      }),
    ).toMatchObject({
      host: 'db.example.com',
      port: 5433,
      database: 'app',
      user: 'app',
      password: ' s3cret with spaces',
    });
  });

  it('fill in only the part the URL lacks; agreeing ones are fine', async () => {
    expect(
      await poolFor({
        DATABASE_URL: 'postgres://app@db/app',
        TINA4_DATABASE_USERNAME: 'app',
        TINA4_DATABASE_PASSWORD: 'p@ss',
      }),
    ).toMatchObject({ user: 'app', password: 'p@ss' });
    expect(
      await poolFor({ DATABASE_URL: 'postgres://app:p%40ss@db/app', TINA4_DATABASE_PASSWORD: 'p@ss' }),
    ).toMatchObject({
      user: 'app',
      password: 'p@ss',
    });
  });

  it('given in code, they work the same, and the pool size reaches the driver', async () => {
    expect(
      await poolFor(
        { TINA4_SESSION_POOL_SIZE: '3' },
        { database: { url: 'postgres://db/app', username: 'coder', password: 'typed' } },
      ),
    ).toMatchObject({ user: 'coder', password: 'typed', max: 3 });
  });

  it.each([
    [
      'a user',
      { DATABASE_URL: 'postgres://alice:pw@db/app', TINA4_DATABASE_USERNAME: 'bob' },
      ['TINA4_DATABASE_USERNAME', 'DATABASE_URL', '"bob"', '"alice"'],
    ],
    [
      'a password',
      { DATABASE_URL: 'postgres://alice:first-secret@db/app', TINA4_DATABASE_PASSWORD: 'second-secret' },
      ['TINA4_DATABASE_PASSWORD', 'DATABASE_URL'],
    ],
    [
      "a password with Tina4's URL name",
      { TINA4_DATABASE_URL: 'mysql://alice:first-secret@db/app', TINA4_DATABASE_PASSWORD: 'second-secret' },
      ['TINA4_DATABASE_PASSWORD', 'TINA4_DATABASE_URL'],
    ],
  ])(
    '%s that disagrees with the URL is an error naming both variables, never a password',
    async (_, env, named) => {
      const error = await errorOf(() => createStoreFromConfig(configOf(env)));
      expect(sessionErrorCode(error)).toBe('E_SESSION_CONFIG');
      for (const text of named) expect(error.message).toContain(text);
      expect(error.message).not.toMatch(/secret|pw/);
    },
  );

  it('in code, the error names the options', async () => {
    const error = await errorOf(() =>
      createStoreFromConfig(
        configOf(
          {},
          { database: { url: 'postgres://alice:first-secret@db/app', password: 'second-secret' } },
        ),
      ),
    );
    expect(sessionErrorCode(error)).toBe('E_SESSION_CONFIG');
    expect(error.message).toContain('database.password (in code)');
    expect(error.message).toContain('database.url (in code)');
    expect(error.message).not.toMatch(/secret/);
  });

  it('createDatabaseStore checks its own username/password options against the URL too', async () => {
    const error = await errorOf(() =>
      createDatabaseStore({
        url: 'postgres://alice@db/app',
        username: 'bob',
        importModule: recordingPg().load,
      }),
    );
    expect(sessionErrorCode(error)).toBe('E_SESSION_CONFIG');
    expect(error.message).toContain('username ("bob") and the user name in url ("alice") differ');
  });

  it('a SQLite URL has no credentials and ignores them', async () => {
    const file = join(directory, 'credentials-ignored.db');
    const store = await createStoreFromConfig(
      configOf({
        DATABASE_URL: `sqlite:///${file}`,
        TINA4_DATABASE_USERNAME: 'app',
        TINA4_DATABASE_PASSWORD: 'x',
      }),
    );
    expect(await store.create(newKey(), { a: '1' }, LONG)).toBe(true);
    await store.close();
  });

  const postgres = process.env.TINA4_TEST_POSTGRES_URL?.trim();
  (postgres ? it : it.skip)(
    'on a real PostgreSQL, a URL without a user connects as TINA4_DATABASE_USERNAME',
    async () => {
      const url = new URL(postgres!);
      const user = decodeURIComponent(url.username);
      const password = decodeURIComponent(url.password);
      url.username = '';
      url.password = '';
      const env: Record<string, string> = { DATABASE_URL: url.href, TINA4_DATABASE_USERNAME: user };
      if (password) env.TINA4_DATABASE_PASSWORD = password;
      const table = uniqueTable();
      const store = await createStoreFromConfig(configOf(env, { database: { table } }));
      try {
        const key = newKey();
        expect(await store.create(key, { a: '1' }, LONG)).toBe(true);
        expect((await store.read(key))?.fields).toEqual({ a: '1' });
      } finally {
        await store.close();
        const raw = await openRawClient(postgres!);
        await dropTables(raw, table);
        await raw.close();
      }
    },
  );
});
