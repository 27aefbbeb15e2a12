import { Kysely, MysqlDialect, type MysqlPool } from 'kysely';
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

interface Mysql2 {
  createPool(config: Record<string, unknown>): MysqlPool;
}

/** Kysely on `mysql2` for `mysql://` (and `mariadb://`) URLs. `?ssl=true` enables TLS. */
export async function createMysqlKysely(
  url: ServerDatabaseUrl,
  options: DialectOptions,
): Promise<OpenedDatabase> {
  const mysql = await loadDriver<Mysql2>('mysql', 'mysql2', options.load);
  const pool = mysql.createPool({
    host: url.host,
    port: url.port ?? 3306,
    user: url.user,
    password: url.password,
    database: url.database,
    connectionLimit: options.poolSize ?? DEFAULT_POOL_SIZE,
    connectTimeout: CONNECT_TIMEOUT_MS,
    charset: 'utf8mb4',
    ssl: url.params.ssl === 'true' ? {} : undefined,
    // Affected rows of an UPDATE count the rows it matched, not only those whose values changed:
    // an update that leaves a row as it was still says the session exists. (mysql2's default too.)
    flags: ['FOUND_ROWS'],
  });
  reportConnectionErrors(pool as MysqlPool & ConnectionEmitter, 'connection', 'MySQL', options.logger);
  if (options.statementTimeoutMs !== undefined) limitStatementTime(pool, options.statementTimeoutMs);
  return ownInstance(new Kysely({ dialect: new MysqlDialect({ pool }) }));
}

/** A connection as mysql2's pool announces it: enough to send one statement, in order, before the store's. */
interface PooledConnection {
  query(sql: string, callback: (error: unknown) => void): unknown;
}

/**
 * Each new connection gets a statement time limit: MariaDB's `max_statement_time` (seconds, any
 * statement), or, where the server is MySQL, `max_execution_time` (milliseconds, reads only). The
 * statement is queued before any of the store's on that connection; a server that knows neither
 * simply keeps no limit.
 */
function limitStatementTime(pool: MysqlPool, timeoutMs: number): void {
  (
    pool as unknown as { on(event: 'connection', listener: (connection: PooledConnection) => void): unknown }
  ).on('connection', (connection) => {
    connection.query(`SET SESSION max_statement_time = ${timeoutMs / 1000}`, (mariaDbError) => {
      if (mariaDbError)
        connection.query(`SET SESSION max_execution_time = ${Math.ceil(timeoutMs)}`, () => {});
    });
  });
}
