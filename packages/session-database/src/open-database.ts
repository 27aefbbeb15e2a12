import { SessionConfigError, type SessionLogger } from '@tina4/session-core';
import type { AnyKysely } from './any-kysely.js';
import type { DatabaseStoreOptions } from './database-store.js';
import { type DatabaseEngine, parseDatabaseUrl } from './database-url.js';
import { detectEngine } from './detect-engine.js';
import { createKyselyForUrl } from './dialects/create-kysely.js';
import { importModule } from './driver-loader.js';

/** The Kysely instance a store works on, its engine, and how the store lets go of it on close. */
export interface OpenDatabase {
  readonly db: AnyKysely;
  readonly engine: DatabaseEngine;
  readonly release: () => Promise<void>;
}

/**
 * The app's own instance (`db`, left open on close) or one opened for `url` (closed on close).
 *
 * @throws {@link SessionConfigError} without either, or for an instance of an unknown dialect and no `engine`.
 */
export async function openDatabase(
  options: Pick<DatabaseStoreOptions, 'db' | 'url' | 'engine' | 'poolSize' | 'importModule'>,
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
      'The database session store needs a database: set DATABASE_URL (e.g. sqlite:///data/sessions.db or ' +
        'postgres://user:pass@host:5432/app), or pass an existing Kysely instance as `db`.',
    );
  }
  const url = parseDatabaseUrl(options.url);
  const opened = await createKyselyForUrl(url, {
    load: options.importModule ?? importModule,
    logger,
    poolSize: options.poolSize,
  });
  return { db: opened.db, engine: url.engine, release: opened.close };
}
