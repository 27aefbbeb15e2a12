export { FirebirdAdapter } from './firebird-adapter.js';
export type {
  FirebirdDatabase,
  FirebirdPool,
  FirebirdQueryable,
  FirebirdTransaction,
  FirebirdTransactionOptions,
} from './firebird-client.js';
export { FirebirdDialect } from './firebird-dialect.js';
export type { FirebirdDialectConfig } from './firebird-driver.js';
export { FirebirdIntrospector } from './firebird-introspector.js';
export { FirebirdQueryCompiler } from './firebird-query-compiler.js';
