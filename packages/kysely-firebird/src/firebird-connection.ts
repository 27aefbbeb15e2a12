import type { CompiledQuery, DatabaseConnection, QueryResult } from 'kysely';
import {
  callFirebird,
  type FirebirdDatabase,
  type FirebirdQueryable,
  type FirebirdQueryResult,
  type FirebirdTransaction,
  type FirebirdTransactionOptions,
} from './firebird-client.js';

const DML_VERBS = new Set(['insert', 'update', 'delete', 'merge']);

/**
 * One Firebird attachment as a Kysely connection. Firebird transactions are objects rather than
 * statements, so the connection remembers the open one and runs queries through it; outside a
 * transaction each query runs in a transaction of its own, committed (or rolled back) here.
 */
export class FirebirdConnection implements DatabaseConnection {
  readonly #database: FirebirdDatabase;
  /** The options of the transaction a query outside a transaction runs in. */
  readonly #autocommit: FirebirdTransactionOptions;
  #transaction: FirebirdTransaction | undefined;

  constructor(database: FirebirdDatabase, autocommit: FirebirdTransactionOptions) {
    this.#database = database;
    this.#autocommit = autocommit;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    if (this.#transaction) return runQuery<R>(this.#transaction, compiledQuery);
    // Not the driver's own autocommit (`database.query`): when its COMMIT fails (Firebird checks DDL
    // at commit, so two processes altering one table make one fail there), it leaves the transaction
    // open, and an attachment with an open transaction can no longer be detached or pooled cleanly.
    const transaction = await callFirebird<FirebirdTransaction>((callback) =>
      this.#database.transaction(this.#autocommit, callback),
    );
    try {
      const result = await runQuery<R>(transaction, compiledQuery);
      await callFirebird<void>((callback) => transaction.commit((error) => callback(error, undefined)));
      return result;
    } catch (error) {
      await callFirebird<void>((callback) =>
        transaction.rollback((error) => callback(error, undefined)),
      ).catch(() => {});
      throw error;
    }
  }

  async *streamQuery<R>(
    compiledQuery: CompiledQuery,
    chunkSize = 100,
  ): AsyncIterableIterator<QueryResult<R>> {
    const target: FirebirdQueryable = this.#transaction ?? this.#database;
    if (!target.queryStream) throw new Error('Streaming needs node-firebird 2.x (queryStream).');
    let rows: R[] = [];
    for await (const row of target.queryStream(compiledQuery.sql, [...compiledQuery.parameters])) {
      rows.push(row as R);
      if (rows.length >= chunkSize) {
        yield { rows };
        rows = [];
      }
    }
    if (rows.length > 0) yield { rows };
  }

  async beginTransaction(options: FirebirdTransactionOptions): Promise<void> {
    if (this.#transaction) throw new Error('A transaction is already open on this Firebird connection.');
    this.#transaction = await callFirebird<FirebirdTransaction>((callback) =>
      this.#database.transaction(options, callback),
    );
  }

  async commitTransaction(): Promise<void> {
    const transaction = this.#takeTransaction();
    await callFirebird<void>((callback) => transaction.commit((error) => callback(error, undefined)));
  }

  async rollbackTransaction(): Promise<void> {
    const transaction = this.#takeTransaction();
    await callFirebird<void>((callback) => transaction.rollback((error) => callback(error, undefined)));
  }

  /** Returns the attachment to its pool. */
  async release(): Promise<void> {
    const open = this.#transaction;
    this.#transaction = undefined;
    // Never hand a pooled attachment on with a transaction still holding locks.
    if (open)
      await callFirebird<void>((callback) => open.rollback((error) => callback(error, undefined))).catch(
        () => {},
      );
    await callFirebird<void>((callback) => this.#database.detach((error) => callback(error, undefined)));
  }

  #takeTransaction(): FirebirdTransaction {
    const transaction = this.#transaction;
    if (!transaction) throw new Error('No transaction is open on this Firebird connection.');
    this.#transaction = undefined;
    return transaction;
  }
}

async function runQuery<R>(target: FirebirdQueryable, compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
  const result = await callFirebird<FirebirdQueryResult>((callback) =>
    target.query(
      compiledQuery.sql,
      [...compiledQuery.parameters],
      (error, result) => callback(error, result as FirebirdQueryResult),
      { withMeta: true },
    ),
  );
  return toQueryResult<R>(compiledQuery.sql, result);
}

function toQueryResult<R>(sql: string, result: FirebirdQueryResult): QueryResult<R> {
  const verb = /^\s*([a-z]+)/i.exec(sql)?.[1]?.toLowerCase() ?? '';
  const isDml = DML_VERBS.has(verb);
  let rows: R[];
  if (Array.isArray(result.rows)) rows = result.rows as R[];
  else if (result.rows === undefined || result.rows === null) rows = [];
  // A singleton `... RETURNING` result: Firebird answers with a row of nulls when nothing matched.
  else rows = isDml && result.affectedRows === 0 ? [] : [result.rows as R];
  return isDml ? { rows, numAffectedRows: BigInt(result.affectedRows) } : { rows };
}
