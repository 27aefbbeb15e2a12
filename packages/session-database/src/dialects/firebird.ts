import { FirebirdDialect, type FirebirdPool } from '@tina4/kysely-firebird';
import { Kysely } from 'kysely';
import type { ServerDatabaseUrl } from '../database-url.js';
import { loadDriver } from '../load-driver.js';
import {
  CONNECT_TIMEOUT_MS,
  DEFAULT_POOL_SIZE,
  type DialectOptions,
  type ErrorEmitter,
  type OpenedDatabase,
  ownInstance,
  reportPoolErrors,
} from './dialect-options.js';

interface NodeFirebird {
  pool(max: number, options: Record<string, unknown>): FirebirdPool & Partial<ErrorEmitter>;
}

/**
 * Kysely on `node-firebird` for `firebird://user:pass@host:3050//absolute/path.fdb` (or a server
 * alias after a single slash). `?role=` sets the SQL role.
 */
export async function createFirebirdKysely(
  url: ServerDatabaseUrl,
  options: DialectOptions,
): Promise<OpenedDatabase> {
  const Firebird = await loadDriver<NodeFirebird>('firebird', 'node-firebird', options.load);
  const pool = Firebird.pool(options.poolSize ?? DEFAULT_POOL_SIZE, {
    host: url.host,
    port: url.port ?? 3050,
    database: url.database,
    user: url.user,
    password: url.password,
    role: url.params.role,
    encoding: 'UTF8',
    connectTimeout: CONNECT_TIMEOUT_MS,
    // Text BLOBs (the session data column) as strings rather than a function that streams them.
    blobAsText: true,
  });
  if (pool.on) reportPoolErrors(pool as ErrorEmitter, 'Firebird', options.logger);
  return ownInstance(new Kysely({ dialect: new FirebirdDialect({ pool }) }));
}
