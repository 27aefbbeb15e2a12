export { createStoreFromConfig } from './create-store-from-config.js';
export {
  createDatabaseStore,
  type DatabaseStoreOptions,
  DEFAULT_REAP_INTERVAL_MS,
} from './database-store.js';
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
export type { DialectOptions } from './dialects/dialect-options.js';
export { ENGINE_DRIVERS, type ImportModule, installCommandFor, loadDriver } from './driver-loader.js';
export * from './firebird/index.js';
export { DEFAULT_TABLE, type SessionTables, sessionTables } from './session-tables.js';
