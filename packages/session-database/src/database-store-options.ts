import type { ImportModule, SessionLogger } from '@tina4/session-core';
import type { AnyKysely } from './any-kysely.js';
import type { DatabaseEngine } from './database-url.js';

/** Options of {@link createDatabaseStore}. */
export interface DatabaseStoreOptions {
  /**
   * The app's own Kysely instance. The store uses it as is and leaves it open on `close()`.
   * Either this or {@link url}.
   */
  db?: AnyKysely | undefined;
  /** A `DATABASE_URL` (see the README for every engine's format); the store opens and closes its own pool. */
  url?: string | undefined;
  /** The user, when {@link url} has none (Tina4's `TINA4_DATABASE_USERNAME`); must agree with one it has. */
  username?: string | undefined;
  /** The password, when {@link url} has none (Tina4's `TINA4_DATABASE_PASSWORD`); must agree with one it has. */
  password?: string | undefined;
  /** The engine behind {@link db}, for dialects the store does not recognise by their adapter. */
  engine?: DatabaseEngine | undefined;
  /** Session table (default `tina4_session`); the lock table is this name plus `_lock`. */
  table?: string | undefined;
  /** Milliseconds between deletions of expired sessions (default 300 000; 0 turns the timer off). */
  reapIntervalMs?: number | undefined;
  /** Chance, from 0 to 1, that a write also starts a deletion of expired sessions (default 0). */
  reapProbability?: number | undefined;
  /** Most connections of the store's own pool (default 10; ignored with {@link db}). */
  poolSize?: number | undefined;
  /**
   * Milliseconds the server may spend on one statement before it cancels it (the core passes
   * `TINA4_SESSION_STORE_TIMEOUT`; ignored with {@link db}, whose connections are the app's).
   */
  statementTimeoutMs?: number | undefined;
  /** Where background failures (reaping, idle connections) are reported (default `console`). */
  logger?: SessionLogger | undefined;
  /** Imports driver packages; replaceable for tests. */
  importModule?: ImportModule | undefined;
}

export const DEFAULT_REAP_INTERVAL_MS = 300_000;
