/**
 * Plain driver connections for the tests' back door: they read what the store wrote without going
 * through the store, its Kysely instance or (for Firebird) its dialect.
 */
import { Kysely, MssqlDialect, sql } from 'kysely';

/** The SQL engines the database store runs on. */
export type DatabaseEngine = 'sqlite' | 'postgres' | 'mysql' | 'mssql' | 'firebird';

type ParsedUrl =
  | { engine: 'sqlite'; filename: string }
  | {
      engine: Exclude<DatabaseEngine, 'sqlite'>;
      host: string;
      port: number | undefined;
      user: string;
      password: string;
      database: string;
    };

const ENGINES: Record<string, DatabaseEngine> = {
  'sqlite:': 'sqlite',
  'postgres:': 'postgres',
  'postgresql:': 'postgres',
  'mysql:': 'mysql',
  'mariadb:': 'mysql',
  'mssql:': 'mssql',
  'sqlserver:': 'mssql',
  'firebird:': 'firebird',
};

/**
 * The parts of a test server's `DATABASE_URL` (the forms the store accepts: `sqlite:///abs.db`,
 * `sqlite::memory:`, `postgres://user:pass@host:port/db`, `firebird://user:pass@host:port//abs/path.fdb`).
 * The tests' own reading, independent of the store's, so that a back door never shares its bugs.
 */
export function parseTestDatabaseUrl(raw: string): ParsedUrl {
  const scheme = raw.slice(0, raw.indexOf(':') + 1).toLowerCase();
  const engine = ENGINES[scheme];
  if (!engine) throw new Error(`Not a database URL the tests know: ${scheme}`);
  if (engine === 'sqlite') {
    const rest = raw.slice(scheme.length);
    return { engine, filename: rest === ':memory:' ? ':memory:' : rest.replace(/^\/\//, '') };
  }
  const url = new URL(raw);
  const path = decodeURIComponent(url.pathname);
  return {
    engine,
    host: url.hostname,
    port: url.port === '' ? undefined : Number(url.port),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    // Firebird's `//abs/path.fdb` is an absolute file; the others name a database after one slash.
    database: engine === 'firebird' && path.startsWith('//') ? path.slice(1) : path.slice(1),
  };
}

export interface RawClient {
  readonly engine: DatabaseEngine;
  /** Runs SQL with `?` placeholders. */
  query(text: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** Quotes an identifier the engine's way. */
  quote(identifier: string): string;
  close(): Promise<void>;
}

export async function openRawClient(url: string): Promise<RawClient> {
  const parsed = parseTestDatabaseUrl(url);
  const credentials =
    parsed.engine === 'sqlite'
      ? {}
      : { host: parsed.host, user: parsed.user, password: parsed.password, database: parsed.database };
  if (parsed.engine === 'sqlite') {
    const { default: Database } = await import('better-sqlite3');
    const database = new Database(parsed.filename, { timeout: 5000 });
    return {
      engine: 'sqlite',
      async query(text, params = []) {
        const statement = database.prepare(text);
        if (statement.reader) return statement.all(...params) as Record<string, unknown>[];
        statement.run(...params);
        return [];
      },
      quote: (id) => `"${id}"`,
      async close() {
        database.close();
      },
    };
  }
  if (parsed.engine === 'postgres') {
    const { default: pg } = await import('pg');
    // A pool of one, which reconnects: fault tests restart the server under it. An idle connection
    // that the restart kills reports an error event, which must not crash the test process.
    const pool = new pg.Pool({ ...credentials, port: parsed.port ?? 5432, max: 1 });
    pool.on('error', () => {});
    await pool.query('select 1');
    return {
      engine: 'postgres',
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
  if (parsed.engine === 'mysql') {
    const mysql = await import('mysql2/promise');
    const connection = await mysql.createConnection({ ...credentials, port: parsed.port ?? 3306 });
    return {
      engine: 'mysql',
      async query(text, params = []) {
        const [rows] = await connection.query(text, params);
        return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
      },
      quote: (id) => `\`${id}\``,
      close: () => connection.end(),
    };
  }
  if (parsed.engine === 'firebird') {
    const { default: Firebird } = await import('node-firebird');
    const database = await Firebird.attachAsync({
      host: parsed.host,
      port: parsed.port ?? 3050,
      database: parsed.database,
      user: parsed.user,
      password: parsed.password,
      blobAsText: true,
    });
    return {
      engine: 'firebird',
      async query(text, params = []) {
        const rows: unknown = await database.queryAsync(text, params);
        return Array.isArray(rows) ? rows : rows ? [rows as Record<string, unknown>] : [];
      },
      quote: (id) => `"${id}"`,
      close: () => database.detachAsync(),
    };
  }
  // SQL Server: tedious alone is verbose, so Kysely's own MSSQL dialect (not the store's code).
  const tedious = await import('tedious');
  const tarn = await import('tarn');
  const db = new Kysely<Record<string, never>>({
    dialect: new MssqlDialect({
      tarn: { ...tarn, options: { min: 0, max: 2 } },
      tedious: {
        ...tedious,
        connectionFactory: () =>
          new tedious.Connection({
            server: parsed.host,
            authentication: {
              type: 'default',
              options: { userName: parsed.user, password: parsed.password },
            },
            options: { database: parsed.database, port: parsed.port ?? 1433, trustServerCertificate: true },
          }),
      },
    }),
  });
  return {
    engine: 'mssql',
    async query(text, params = []) {
      const parts = text.split('?');
      const raw = sql.join(
        parts.map((part, index) => (index === 0 ? sql.raw(part) : sql`${params[index - 1]}${sql.raw(part)}`)),
        sql.raw(''),
      );
      return (await raw.execute(db)).rows as Record<string, unknown>[];
    },
    quote: (id) => `[${id}]`,
    close: () => db.destroy(),
  };
}
