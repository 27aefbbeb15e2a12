/**
 * Plain driver connections for the tests' back door: they read what the store wrote without going
 * through the store, its Kysely instance or (for Firebird) its dialect.
 */
import { Kysely, MssqlDialect, sql } from 'kysely';
import { type DatabaseEngine, parseDatabaseUrl } from '../../src/database-url.js';

export interface RawClient {
  readonly engine: DatabaseEngine;
  /** Runs SQL with `?` placeholders. */
  query(text: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** Quotes an identifier the engine's way. */
  quote(identifier: string): string;
  close(): Promise<void>;
}

export async function openRawClient(url: string): Promise<RawClient> {
  const parsed = parseDatabaseUrl(url);
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
    const client = new pg.Client({ ...credentials, port: parsed.port ?? 5432 });
    await client.connect();
    return {
      engine: 'postgres',
      async query(text, params = []) {
        let index = 0;
        return (
          await client.query(
            text.replace(/\?/g, () => `$${++index}`),
            params,
          )
        ).rows;
      },
      quote: (id) => `"${id}"`,
      close: () => client.end(),
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
