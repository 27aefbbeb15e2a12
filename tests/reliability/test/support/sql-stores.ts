import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionOptions } from '@tina4/session-core';
import { type BackendName, provideTestBackend } from '@tina4/store-test-suite';
import { mergeOptions, type SkippedStore, type StoreTarget } from './stores.js';

/**
 * The SQL store (`@tina4/session-database`, on Kysely) on every database reachable here: SQLite in a
 * temporary file, and PostgreSQL, MariaDB and Firebird at the harness's URLs. Each target has a
 * table of its own; the back door reads the rows with a plain driver connection.
 */

type Engine = 'sqlite' | 'postgres' | 'mysql' | 'firebird';

/** A plain driver connection: SQL with `?` placeholders, identifiers quoted the engine's way. */
interface RawSql {
  query(text: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  quote(identifier: string): string;
  close(): Promise<void>;
}

/** The SQL targets: one per database that answers here, or why it is skipped. */
export async function sqlTargets(): Promise<(StoreTarget | SkippedStore)[]> {
  const directory = await mkdtemp(join(tmpdir(), 'tina4-reliability-sqlite-'));
  const sqlite = await sqlTarget('sqlite', `sqlite:///${join(directory, 'sessions.db')}`);
  const targets: (StoreTarget | SkippedStore)[] = [
    {
      ...sqlite,
      async dispose() {
        await sqlite.dispose();
        await rm(directory, { recursive: true, force: true });
      },
    },
  ];
  for (const [backend, name] of [
    ['postgres', 'postgres'],
    ['mariadb', 'mariadb'],
    ['firebird', 'firebird'],
  ] as const) {
    targets.push(await fromHarness(backend, name));
  }
  return targets;
}

/** The SQL store on a database server that a test started itself (see servers.ts). */
export const privateSqlTarget = {
  /** Why it cannot run here, or undefined. */
  async unavailable(): Promise<string | undefined> {
    try {
      await import('pg');
      return undefined;
    } catch {
      return 'the pg driver is not installed';
    }
  },
  create: (name: 'postgres', url: string): Promise<StoreTarget> => sqlTarget(name, url),
};

async function fromHarness(backend: BackendName, name: string): Promise<StoreTarget | SkippedStore> {
  const provided = await provideTestBackend(backend);
  if ('skip' in provided) return { name, reason: provided.skip };
  try {
    const target = await sqlTarget(name, provided.url);
    return {
      ...target,
      async dispose() {
        await target.dispose();
        await provided.stop();
      },
    };
  } catch (error) {
    return { name, reason: `cannot connect: ${(error as Error).message}` };
  }
}

async function sqlTarget(name: string, url: string): Promise<StoreTarget> {
  const table = `rel_${randomBytes(5).toString('hex')}`;
  const raw = await openRawSql(engineOf(url), url);
  const settings = (extra?: SessionOptions): SessionOptions =>
    mergeOptions(
      {
        backend: 'database',
        databaseUrl: url,
        env: { TINA4_SESSION_TABLE: table, TINA4_SESSION_REAP_INTERVAL: '0' },
      },
      extra,
    );
  const rows = async (): Promise<Record<string, unknown>[]> => {
    try {
      return await raw.query(`select * from ${raw.quote(table)}`);
    } catch {
      return []; // no table yet: nothing was written
    }
  };
  return {
    name,
    settings,
    options: async (extra) => settings(extra),
    backdoor: {
      async fields(key) {
        const found = (
          await raw
            .query(
              `select ${raw.quote('data')} from ${raw.quote(table)} where ${raw.quote('session_key')} = ?`,
              [key],
            )
            .catch(() => [])
        )[0];
        return found && (JSON.parse(String(found.data)) as Record<string, string>);
      },
      dump: async () =>
        JSON.stringify(await rows(), (_key, value) => (typeof value === 'bigint' ? String(value) : value)),
    },
    async dispose() {
      for (const name of [`${table}_lock`, table])
        await raw.query(`drop table ${raw.quote(name)}`).catch(() => []);
      await raw.close();
    },
  };
}

function engineOf(url: string): Engine {
  const scheme = url.slice(0, url.indexOf(':')).toLowerCase();
  if (scheme === 'sqlite') return 'sqlite';
  if (scheme === 'postgres' || scheme === 'postgresql') return 'postgres';
  if (scheme === 'mysql' || scheme === 'mariadb') return 'mysql';
  if (scheme === 'firebird') return 'firebird';
  throw new Error(`no raw client for ${scheme}: URLs here are sqlite, postgres, mysql/mariadb or firebird`);
}

async function openRawSql(engine: Engine, url: string): Promise<RawSql> {
  if (engine === 'sqlite') {
    const { default: Database } = await import('better-sqlite3');
    const database = new Database(decodeURIComponent(url.slice('sqlite:///'.length)), { timeout: 5000 });
    return {
      async query(text, params = []) {
        const statement = database.prepare(text);
        if (statement.reader) return statement.all(...params) as Record<string, unknown>[];
        statement.run(...params);
        return [];
      },
      quote: (id) => `"${id}"`,
      close: async () => void database.close(),
    };
  }
  if (engine === 'postgres') {
    const { default: pg } = await import('pg');
    // A pool, which reconnects: a fault test restarts the server under it. An idle connection that
    // the restart kills reports an error event, which must not crash the test process.
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    pool.on('error', () => {});
    await pool.query('select 1');
    return {
      async query(text, params = []) {
        let index = 0;
        return (
          await pool.query(
            text.replace(/\?/g, () => `$${++index}`),
            params,
          )
        ).rows;
      },
      quote: (id) => `"${id}"`,
      close: () => pool.end().catch(() => {}),
    };
  }
  if (engine === 'mysql') {
    const mysql = await import('mysql2/promise');
    const connection = await mysql.createConnection(url.replace(/^mariadb:/, 'mysql:'));
    return {
      async query(text, params = []) {
        const [rows] = await connection.query(text, params);
        return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
      },
      quote: (id) => `\`${id}\``,
      close: () => connection.end(),
    };
  }
  const { default: Firebird } = await import('node-firebird');
  const parsed = new URL(url);
  const database = await Firebird.attachAsync({
    host: parsed.hostname,
    port: Number(parsed.port || 3050),
    database: decodeURIComponent(parsed.pathname.slice(1)),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    blobAsText: true,
  });
  return {
    async query(text, params = []) {
      const rows: unknown = await database.queryAsync(text, params);
      return Array.isArray(rows)
        ? (rows as Record<string, unknown>[])
        : rows
          ? [rows as Record<string, unknown>]
          : [];
    },
    quote: (id) => `"${id}"`,
    close: () => database.detachAsync(),
  };
}
