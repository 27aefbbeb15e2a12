import {
  type CompiledQuery,
  createQueryId,
  type DatabaseConnection,
  type Driver,
  IdentifierNode,
  type QueryCompiler,
  RawNode,
  type TransactionSettings,
} from 'kysely';
import {
  callFirebird,
  type FirebirdDatabase,
  type FirebirdPool,
  type FirebirdTransactionOptions,
} from './firebird-client.js';
import { FirebirdConnection } from './firebird-connection.js';

/** Configuration of {@link FirebirdDialect}. */
export interface FirebirdDialectConfig {
  /** A node-firebird pool (`Firebird.pool(max, options)`), or a function creating one on first use. */
  readonly pool: FirebirdPool | (() => Promise<FirebirdPool>);
  /**
   * Seconds a statement waits for a row another transaction has locked before failing with a
   * lock conflict (default 0: wait until the other transaction ends; deadlocks are still detected).
   */
  readonly lockTimeoutSeconds?: number;
}

// Firebird transaction parameter buffer items (ibase.h).
const TPB_CONSISTENCY = 1;
const TPB_CONCURRENCY = 2;
const TPB_READ_COMMITTED = 15;
const TPB_REC_VERSION = 17;
const TPB_NO_REC_VERSION = 18;

/**
 * The transaction of a query run outside one: what node-firebird's own autocommit uses, READ
 * COMMITTED NO_RECORD_VERSION with waiting (a statement waits for a concurrent writer of its rows
 * to finish instead of failing with an update conflict).
 */
const AUTOCOMMIT: FirebirdTransactionOptions = Object.freeze({
  isolation: [TPB_READ_COMMITTED, TPB_NO_REC_VERSION],
  wait: true,
});

/**
 * Kysely's isolation levels in Firebird's terms. Firebird never reads uncommitted data, so
 * "read uncommitted" is read committed. Without a level, READ COMMITTED RECORD_VERSION: readers
 * see the last committed version instead of waiting for writers, the default of most SQL engines.
 */
function isolationFor(level: TransactionSettings['isolationLevel']): number[] {
  switch (level) {
    case 'repeatable read':
    case 'snapshot':
      return [TPB_CONCURRENCY];
    case 'serializable':
      return [TPB_CONSISTENCY];
    default:
      return [TPB_READ_COMMITTED, TPB_REC_VERSION];
  }
}

/** Runs Kysely's queries on node-firebird attachments taken from a pool. */
export class FirebirdDriver implements Driver {
  readonly #config: FirebirdDialectConfig;
  #pool: FirebirdPool | undefined;

  constructor(config: FirebirdDialectConfig) {
    this.#config = Object.freeze({ ...config });
  }

  async init(): Promise<void> {
    const { pool } = this.#config;
    this.#pool = typeof pool === 'function' ? await pool() : pool;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const pool = this.#pool;
    if (!pool) throw new Error('The Firebird driver has been destroyed.');
    const database = await callFirebird<FirebirdDatabase>((callback) => pool.get(callback));
    return new FirebirdConnection(database, AUTOCOMMIT);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const options: FirebirdTransactionOptions = {
      isolation: isolationFor(settings.isolationLevel),
      readOnly: settings.accessMode === 'read only',
      wait: true,
      waitTimeout: this.#config.lockTimeoutSeconds ?? 0,
    };
    await (connection as FirebirdConnection).beginTransaction(options);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as FirebirdConnection).commitTransaction();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as FirebirdConnection).rollbackTransaction();
  }

  async savepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await connection.executeQuery(savepointCommand('savepoint', name, compile));
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await connection.executeQuery(savepointCommand('rollback to savepoint', name, compile));
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await connection.executeQuery(savepointCommand('release savepoint', name, compile));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await (connection as FirebirdConnection).release();
  }

  async destroy(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    if (pool) await callFirebird<void>((callback) => pool.destroy((error) => callback(error, undefined)));
  }
}

function savepointCommand(
  command: string,
  name: string,
  compile: QueryCompiler['compileQuery'],
): CompiledQuery {
  // Through the compiler, so that the name is quoted like every other identifier.
  const node = RawNode.createWithChildren([
    RawNode.createWithSql(`${command} `),
    IdentifierNode.create(name),
  ]);
  return compile(node, createQueryId());
}
