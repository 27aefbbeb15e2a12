import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SessionBackend, SessionConfig } from '../config/session-config.js';
import { SessionBackendNotInstalledError, SessionConfigError } from '../errors.js';
import { createFileStore } from '../stores/file-store.js';
import { createMemoryStore } from '../stores/memory-store.js';
import { encryptStore } from './encrypted-store.js';
import type { SessionStore } from './session-store.js';

/** What a backend package (`@tina4/session-redis`, ...) exports for the core to load it by name. */
export interface SessionBackendModule {
  createStoreFromConfig(config: SessionConfig): SessionStore | Promise<SessionStore>;
}

type PackagedBackend = Exclude<SessionBackend, 'file' | 'memory'>;

const BACKEND_PACKAGES: Record<
  PackagedBackend,
  { packageName: string; drivers: (config: SessionConfig) => string }
> = {
  redis: { packageName: '@tina4/session-redis', drivers: () => 'ioredis' },
  valkey: { packageName: '@tina4/session-valkey', drivers: () => 'iovalkey' },
  mongodb: { packageName: '@tina4/session-mongodb', drivers: () => 'mongodb' },
  database: {
    packageName: '@tina4/session-database',
    drivers: (config) => databaseDriverFor(config.databaseUrl),
  },
};

/**
 * The store the configuration asks for. File and memory stores are built in; the others live in
 * their own packages, imported only when chosen so that an app installs just the backend it uses.
 */
export async function createStore(config: SessionConfig): Promise<SessionStore> {
  const store = await createPlainStore(config);
  return config.secrets.length > 0 ? encryptStore(store, config.secrets, config.logger) : store;
}

async function createPlainStore(config: SessionConfig): Promise<SessionStore> {
  if (config.store) return config.store;
  switch (config.backend) {
    case 'file':
      return createFileStore({ directory: config.filePath, logger: config.logger });
    case 'memory':
      return createMemoryStore();
    default:
      return (await importBackend(config.backend, config)).createStoreFromConfig(config);
  }
}

async function importBackend(backend: PackagedBackend, config: SessionConfig): Promise<SessionBackendModule> {
  const { packageName, drivers } = BACKEND_PACKAGES[backend];
  try {
    return (await import(packageName)) as SessionBackendModule;
  } catch (error) {
    if (!isMissingPackage(error, packageName)) throw error;
    // Isolated layouts (pnpm, workspaces) install the backend beside the app, where the core's own
    // location cannot see it: look it up from the app's directory as well.
    const fromApp = resolveFromApp(packageName);
    if (fromApp) return (await import(pathToFileURL(fromApp).href)) as SessionBackendModule;
    throw new SessionBackendNotInstalledError(backend, `npm install ${packageName} ${drivers(config)}`, {
      cause: error,
    });
  }
}

function resolveFromApp(packageName: string): string | undefined {
  try {
    return createRequire(join(process.cwd(), 'package.json')).resolve(packageName);
  } catch {
    return undefined;
  }
}

function isMissingPackage(error: unknown, packageName: string): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = (error as Error | undefined)?.message ?? '';
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(packageName);
}

const DATABASE_DRIVERS: Record<string, string> = {
  sqlite: 'better-sqlite3',
  postgres: 'pg',
  postgresql: 'pg',
  mysql: 'mysql2',
  mariadb: 'mysql2',
  mssql: 'tedious tarn',
  sqlserver: 'tedious tarn',
  firebird: 'node-firebird',
};

function databaseDriverFor(databaseUrl: string | undefined): string {
  if (!databaseUrl) {
    throw new SessionConfigError(
      'TINA4_SESSION_BACKEND=database needs DATABASE_URL, e.g. DATABASE_URL=sqlite:///data/app.db or postgres://user:pass@host/db.',
    );
  }
  const scheme = databaseUrl.slice(0, databaseUrl.indexOf(':')).toLowerCase();
  return DATABASE_DRIVERS[scheme] ?? '<driver for your database>';
}
