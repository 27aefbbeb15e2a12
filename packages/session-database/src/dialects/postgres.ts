import { Kysely, PostgresDialect, type PostgresPool } from 'kysely';
import type { ServerDatabaseUrl } from '../database-url.js';
import { loadDriver } from '../load-driver.js';
import {
  CONNECT_TIMEOUT_MS,
  type ConnectionEmitter,
  DEFAULT_POOL_SIZE,
  type DialectOptions,
  type OpenedDatabase,
  ownInstance,
  reportConnectionErrors,
} from './dialect-options.js';

type PgPool = PostgresPool & ConnectionEmitter;
interface Pg {
  Pool: new (config: Record<string, unknown>) => PgPool;
}

/** Kysely on `pg` for `postgres://` and `postgresql://` URLs. `?sslmode=require|verify-full` or `?ssl=true` enable TLS. */
export async function createPostgresKysely(
  url: ServerDatabaseUrl,
  options: DialectOptions,
): Promise<OpenedDatabase> {
  const pg = await loadDriver<Pg>('postgres', 'pg', options.load);
  const pool = new pg.Pool({
    host: url.host,
    port: url.port ?? 5432,
    user: url.user,
    password: url.password,
    database: url.database,
    max: options.poolSize ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    ...(options.statementTimeoutMs !== undefined && { statement_timeout: options.statementTimeoutMs }),
    ssl: sslOption(url.params),
  });
  reportConnectionErrors(pool, 'connect', 'PostgreSQL', options.logger);
  return ownInstance(new Kysely({ dialect: new PostgresDialect({ pool }) }));
}

function sslOption(
  params: Readonly<Record<string, string>>,
): boolean | { rejectUnauthorized: boolean } | undefined {
  const mode = params.sslmode ?? (params.ssl === 'true' ? 'verify-full' : undefined);
  if (mode === undefined || mode === 'disable') return undefined;
  // libpq's `require` encrypts without checking the certificate; `verify-ca`/`verify-full` check it.
  return { rejectUnauthorized: mode === 'verify-ca' || mode === 'verify-full' };
}
