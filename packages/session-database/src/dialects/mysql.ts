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
  return ownInstance(new Kysely({ dialect: new MysqlDialect({ pool }) }));
}
