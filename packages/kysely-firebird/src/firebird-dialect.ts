import type { DatabaseIntrospector, Dialect, DialectAdapter, Driver, QueryCompiler } from 'kysely';
import type { AnyKysely } from './any-kysely.js';
import { FirebirdAdapter } from './firebird-adapter.js';
import { type FirebirdDialectConfig, FirebirdDriver } from './firebird-driver.js';
import { FirebirdIntrospector } from './firebird-introspector.js';
import { FirebirdQueryCompiler } from './firebird-query-compiler.js';

/**
 * Kysely dialect for Firebird 3+ on node-firebird 2.17+ (Kysely ships none).
 *
 * ```ts
 * import Firebird from 'node-firebird';
 * const db = new Kysely<DB>({
 *   dialect: new FirebirdDialect({ pool: Firebird.pool(10, { host, port, database, user, password, blobAsText: true }) }),
 * });
 * ```
 * Identifiers are double-quoted and so case-sensitive: a table created as `"orders"` is not
 * `ORDERS`. Read `BLOB SUB_TYPE TEXT` columns as strings by passing `blobAsText: true` to the pool.
 */
export class FirebirdDialect implements Dialect {
  readonly #config: FirebirdDialectConfig;

  constructor(config: FirebirdDialectConfig) {
    this.#config = config;
  }

  createDriver(): Driver {
    return new FirebirdDriver(this.#config);
  }

  createQueryCompiler(): QueryCompiler {
    return new FirebirdQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new FirebirdAdapter();
  }

  createIntrospector(db: AnyKysely): DatabaseIntrospector {
    return new FirebirdIntrospector(db);
  }
}
