import { type ImportModule, importOptional } from '@tina4/session-core';
import type { DatabaseEngine } from './database-url.js';

/**
 * The npm packages each engine needs next to `@tina4/session-database` (its optional peers). The
 * core keeps a short copy of this for the install hint it gives before this package is installed;
 * once loaded, this table is the one that counts.
 */
export const ENGINE_DRIVERS = {
  sqlite: ['better-sqlite3'],
  postgres: ['pg'],
  mysql: ['mysql2'],
  mssql: ['tedious', 'tarn'],
  firebird: ['node-firebird'],
} as const satisfies Readonly<Record<DatabaseEngine, readonly string[]>>;

/** A driver package named in {@link ENGINE_DRIVERS}. */
export type EngineDriverPackage = (typeof ENGINE_DRIVERS)[DatabaseEngine][number];

/** The command that installs the store with an engine's drivers. */
export function installCommandFor(engine: DatabaseEngine): string {
  return `npm install @tina4/session-database ${ENGINE_DRIVERS[engine].join(' ')}`;
}

/**
 * Imports from this package's own location. The drivers are this package's (optional) peers: with
 * an isolated layout (pnpm) they are linked beside it, where the core cannot see them, so the
 * import must not be the core's default one.
 */
export const importFromHere: ImportModule = (specifier) => import(specifier);

/**
 * Imports one of an engine's driver packages, lazily: an app installs only its own engine's driver.
 * CommonJS drivers arrive as their `module.exports`.
 *
 * @throws {@link SessionBackendNotInstalledError} (code `E_SESSION_BACKEND_NOT_INSTALLED`) with the
 *   install command when the package is missing; any other failure to load keeps its own error.
 */
export function loadDriver<T>(
  engine: DatabaseEngine,
  specifier: EngineDriverPackage,
  load: ImportModule = importFromHere,
): Promise<T> {
  return importOptional<T>(
    { specifier, backend: 'database', installCommand: installCommandFor(engine) },
    load,
  );
}
