import { SessionConfigError, type SessionLogger } from '@tina4/session-core';
import type { AnyKysely } from './any-kysely.js';
import { STORE_OPTION_SOURCES, withCredentials } from './database-credentials.js';
import type { DatabaseStoreOptions } from './database-store-options.js';
import { type DatabaseEngine, parseDatabaseUrl } from './database-url.js';
import { detectEngine } from './detect-engine.js';
import { createKyselyForUrl } from './dialects/create-kysely.js';
import { importFromHere } from './load-driver.js';

/** The Kysely instance a store works on, its engine, and how the store lets go of it on close. */
export interface OpenDatabase {
  readonly db: AnyKysely;
  readonly engine: DatabaseEngine;
  readonly release: () => Promise<void>;
}

/**
 * The app's own instance (`db`, left open on close) or one opened for `url` (closed on close), with
 * `username` and `password` filled in where the URL has none.
 *
 * @throws {@link SessionConfigError} without either, for an instance of an unknown dialect and no
 *   `engine`, or for credentials that disagree with the URL's.
 */
export async function openDatabase(
  options: Pick<
    DatabaseStoreOptions,
    'db' | 'url' | 'username' | 'password' | 'engine' | 'poolSize' | 'statementTimeoutMs' | 'importModule'
  >,
  logger: SessionLogger,
): Promise<OpenDatabase> {
  if (options.db) {
    const engine = options.engine ?? detectEngine(options.db);
    if (!engine) {
      throw new SessionConfigError(
        'The database store does not recognise the dialect of the Kysely instance it was given. ' +
          "Pass `engine` ('sqlite', 'postgres', 'mysql', 'mssql' or 'firebird') with it.",
      );
    }
    // The app's instance: the app closes it.
    return { db: options.db, engine, release: async () => {} };
  }
  if (!options.url) {
    throw new SessionConfigError(
      'The database session store needs a database: set DATABASE_URL or TINA4_DATABASE_URL (e.g. ' +
        'sqlite:///data/sessions.db or postgres://user:pass@host:5432/app), or give `url` or an existing ' +
        'Kysely instance as `db` in code (sessions({ database: { url } })).',
    );
  }
  const url = withCredentials(parseDatabaseUrl(options.url), options, STORE_OPTION_SOURCES);
  const opened = await createKyselyForUrl(url, {
    load: options.importModule ?? importFromHere,
    logger,
    poolSize: options.poolSize,
    statementTimeoutMs: options.statementTimeoutMs,
  });
  return { db: opened.db, engine: url.engine, release: opened.close };
}
