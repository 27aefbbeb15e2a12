import type { ImportModule, SessionLogger } from '@tina4/session-core';
import type { AnyKysely } from '../any-kysely.js';

/** A Kysely instance a store opened, and how to let go of it. */
export interface OpenedDatabase {
  readonly db: AnyKysely;
  /** Destroys the instance (or, for a shared SQLite file, stops using it). */
  close(): Promise<void>;
}

/** An opened instance that nothing else shares. */
export function ownInstance(db: AnyKysely): OpenedDatabase {
  return { db, close: () => db.destroy() };
}

/** What every engine's Kysely factory receives besides the parsed URL. */
export interface DialectOptions {
  /** Imports the driver package (replaceable in tests). */
  readonly load: ImportModule;
  /** Where errors of idle pooled connections go: unhandled, they would crash the process. */
  readonly logger: SessionLogger;
  /** Most connections the store's own pool opens (default 10). */
  readonly poolSize?: number;
  /**
   * How long the server may run one statement before it cancels it itself (PostgreSQL
   * `statement_timeout`, MariaDB `max_statement_time`, MySQL `max_execution_time` for reads, SQL
   * Server's request timeout): a hung statement ends on the server too, not only in the app.
   */
  readonly statementTimeoutMs?: number;
}

export const DEFAULT_POOL_SIZE = 10;
/** A sanity bound: a pool of more connections is a typo rather than a plan. */
export const MAX_POOL_SIZE = 1000;

/**
 * How long opening a connection may take. Drivers' defaults range from 10 s to forever (pg); an
 * unreachable database should cost a request a prompt 503, not a hang.
 */
export const CONNECT_TIMEOUT_MS = 5000;

/** A pool or connection that reports connection errors as an `'error'` event. */
export interface ErrorEmitter {
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * A pool that announces each new connection (pg's `'connect'`, mysql2's `'connection'`), whose own
 * `'error'` events need a listener too.
 */
export interface ConnectionEmitter {
  on(event: string, listener: (argument: never) => void): unknown;
}

/** Logs idle-connection errors instead of letting an unhandled `'error'` event end the process. */
export function reportPoolErrors(pool: ErrorEmitter, engine: string, logger: SessionLogger): void {
  pool.on('error', connectionErrorReporter(engine, logger));
}

/**
 * {@link reportPoolErrors}, and a listener on every connection the pool opens. pg takes its own
 * listener off a connection while a query runs on it, so a server that dies mid-query would
 * otherwise crash the app instead of failing that request with a 503.
 */
export function reportConnectionErrors(
  pool: ConnectionEmitter,
  newConnectionEvent: 'connect' | 'connection',
  engine: string,
  logger: SessionLogger,
): void {
  const report = connectionErrorReporter(engine, logger);
  pool.on('error', report);
  pool.on(newConnectionEvent, (connection: ErrorEmitter) => connection.on('error', report));
}

/** A server that goes away breaks every pooled connection at once: report that once, not once per connection. */
const CONNECTION_ERROR_REPORT_INTERVAL_MS = 30_000;

function connectionErrorReporter(engine: string, logger: SessionLogger): (error: Error) => void {
  let lastReportAt = Number.NEGATIVE_INFINITY;
  let unreported = 0;
  return (error) => {
    const now = Date.now();
    if (now - lastReportAt < CONNECTION_ERROR_REPORT_INTERVAL_MS) {
      unreported++;
      return;
    }
    const more = unreported > 0 ? ` (and ${unreported} more connection error(s) since the last report)` : '';
    logger.warn(`[tina4-session] ${engine} connection of the database store: ${error.message}${more}`);
    lastReportAt = now;
    unreported = 0;
  };
}
