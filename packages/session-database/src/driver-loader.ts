import { SessionBackendNotInstalledError } from '@tina4/session-core';
import type { DatabaseEngine } from './database-url.js';

/** Imports a module by name; replaceable so that tests can make a driver unresolvable. */
export type ImportModule = (moduleName: string) => Promise<unknown>;

export const importModule: ImportModule = (moduleName) => import(moduleName);

/** The npm packages each engine needs next to `@tina4/session-database` (its optional peers). */
export const ENGINE_DRIVERS: Readonly<Record<DatabaseEngine, readonly string[]>> = {
  sqlite: ['better-sqlite3'],
  postgres: ['pg'],
  mysql: ['mysql2'],
  mssql: ['tedious', 'tarn'],
  firebird: ['node-firebird'],
};

/** The command that installs the store with an engine's driver. */
export function installCommandFor(engine: DatabaseEngine): string {
  return `npm install @tina4/session-database ${ENGINE_DRIVERS[engine].join(' ')}`;
}

/**
 * Imports one of an engine's driver packages, lazily: an app installs only its own engine's
 * driver. CommonJS drivers arrive as `{ default: module.exports }`; the module object itself is
 * returned either way.
 *
 * @throws {@link SessionBackendNotInstalledError} with the install command when the package is missing.
 */
export async function loadDriver<T>(
  engine: DatabaseEngine,
  moduleName: string,
  load: ImportModule = importModule,
): Promise<T> {
  let loaded: unknown;
  try {
    loaded = await load(moduleName);
  } catch (error) {
    if (isMissingModule(error, moduleName)) {
      throw new SessionBackendNotInstalledError('database', installCommandFor(engine), { cause: error });
    }
    throw error;
  }
  const module = loaded as { default?: unknown };
  return (module.default ?? module) as T;
}

function isMissingModule(error: unknown, moduleName: string): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = (error as Error | undefined)?.message ?? '';
  // The driver (or a package named after it, such as `pg-pool`) being absent qualifies; a module
  // that fails to load for another reason keeps its own error.
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(`'${moduleName}`)
  );
}
