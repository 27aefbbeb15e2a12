/**
 * SQL session store for `@tina4/session-core` on Kysely: SQLite, PostgreSQL, MySQL/MariaDB, SQL
 * Server, Firebird. Chosen with `TINA4_SESSION_BACKEND=database` (the core imports this package and
 * calls {@link createStoreFromConfig}), or created in code with {@link createDatabaseStore}.
 */
import type { SessionBackendModule } from '@tina4/session-core';
import { databaseSettingsFromConfig } from './database-settings.js';
import { createDatabaseStore } from './database-store.js';

export {
  DATABASE_VARIABLES,
  type DatabaseSettings,
  databaseSettingsFromConfig,
} from './database-settings.js';
export { createDatabaseStore } from './database-store.js';
export { type DatabaseStoreOptions, DEFAULT_REAP_INTERVAL_MS } from './database-store-options.js';
export {
  type DatabaseEngine,
  type DatabaseUrl,
  parseDatabaseUrl,
  redactUrl,
  type ServerDatabaseUrl,
  type SqliteUrl,
  SUPPORTED_SCHEMES,
} from './database-url.js';
export { detectEngine } from './detect-engine.js';
export { createKyselyForUrl } from './dialects/create-kysely.js';
export type { DialectOptions, OpenedDatabase } from './dialects/dialect-options.js';
export { ENGINE_DRIVERS, type EngineDriverPackage, installCommandFor, loadDriver } from './load-driver.js';
export { sessionSchemaFromConfig } from './schema-from-config.js';
export { sessionSchemaStatements } from './session-ddl.js';
export { DEFAULT_TABLE, type SessionTables, sessionTables } from './session-tables.js';

/**
 * What `@tina4/session-core` calls for `TINA4_SESSION_BACKEND=database`: a store on the database
 * that `sessions({ database: { ... } })` and the variables name (see {@link databaseSettingsFromConfig}).
 */
export const createStoreFromConfig: SessionBackendModule['createStoreFromConfig'] = async (config) =>
  createDatabaseStore(databaseSettingsFromConfig(config));
