/**
 * The parts of `node-firebird` (2.17+) that the dialect uses, described structurally so that the
 * dialect neither imports the driver's types nor ties itself to one release's declarations.
 */

/** Options of a query: the dialect always asks for the result with its metadata. */
export interface FirebirdQueryOptions {
  readonly withMeta: true;
}

/** The result of a query run with `withMeta: true`. */
export interface FirebirdQueryResult {
  /**
   * The rows of a `SELECT`; one object for a singleton result (`INSERT/UPDATE/DELETE ... RETURNING`,
   * which Firebird fills with nulls when no row matched); `undefined` for other statements.
   */
  readonly rows: unknown;
  /** Rows changed by DML, or fetched by a `SELECT`. */
  readonly affectedRows: number;
}

export type FirebirdCallback<T> = (error: unknown, result: T) => void;

/** An attachment or a transaction: both run queries. */
export interface FirebirdQueryable {
  /** With `withMeta: true` the callback's result is a {@link FirebirdQueryResult}. */
  query(
    sql: string,
    params: unknown[],
    callback: FirebirdCallback<unknown>,
    options?: FirebirdQueryOptions,
  ): unknown;
  /** Streams the rows of a query (node-firebird 2.x: a Node.js `Readable` in object mode). */
  queryStream?(sql: string, params?: unknown[]): AsyncIterable<unknown>;
}

/** Transaction parameters: `isolation` is a list of Firebird TPB bytes (`isc_tpb_*`). */
export interface FirebirdTransactionOptions {
  readonly isolation: number[];
  readonly readOnly?: boolean;
  /** Wait for locks held by other transactions instead of failing at once. */
  readonly wait?: boolean;
  /** Seconds to wait for a lock before failing with a lock conflict (0: no limit). */
  readonly waitTimeout?: number;
}

export interface FirebirdTransaction extends FirebirdQueryable {
  commit(callback: (error: unknown) => void): void;
  rollback(callback: (error: unknown) => void): void;
}

/** One attachment (connection). Detaching a pooled attachment returns it to its pool. */
export interface FirebirdDatabase extends FirebirdQueryable {
  transaction(options: FirebirdTransactionOptions, callback: FirebirdCallback<FirebirdTransaction>): unknown;
  detach(callback?: (error: unknown) => void): unknown;
}

/** `Firebird.pool(max, options)`. */
export interface FirebirdPool {
  get(callback: FirebirdCallback<FirebirdDatabase>): void;
  destroy(callback?: (error: unknown) => void): void;
}

/** Adapts a node-style callback API to a promise. */
export function callFirebird<T>(start: (callback: FirebirdCallback<T>) => unknown): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    start((error, result) => (error ? reject(asError(error)) : resolve(result)));
  });
}

/** node-firebird sometimes rejects with strings; callers and Kysely expect `Error`s. */
function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
