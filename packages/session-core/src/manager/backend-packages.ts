import type { SessionBackend, SessionConfig } from '../config/session-config.js';
import type { SessionStore } from '../store-kit/session-store.js';

/** What a backend package (`@tina4/session-redis`, ...) exports for the core to load it by name. */
export interface SessionBackendModule {
  createStoreFromConfig(config: SessionConfig): SessionStore | Promise<SessionStore>;
}

/** The backends that live in packages of their own. */
export type PackagedBackend = Exclude<SessionBackend, 'file' | 'memory'>;

/** Each packaged backend's package, and the command that installs it with its driver. */
export const BACKEND_PACKAGES: Readonly<
  Record<PackagedBackend, { readonly packageName: string; installCommand(config: SessionConfig): string }>
> = {
  redis: {
    packageName: '@tina4/session-redis',
    installCommand: () => 'npm install @tina4/session-redis ioredis',
  },
  valkey: {
    packageName: '@tina4/session-valkey',
    installCommand: () => 'npm install @tina4/session-valkey iovalkey',
  },
  mongodb: {
    packageName: '@tina4/session-mongodb',
    installCommand: () => 'npm install @tina4/session-mongodb mongodb',
  },
  database: {
    packageName: '@tina4/session-database',
    installCommand: (config) => `npm install @tina4/session-database ${databaseDriverFor(config)}`,
  },
};

/** The driver for the configured `DATABASE_URL`'s scheme (the package itself names it exactly once loaded). */
function databaseDriverFor(config: SessionConfig): string {
  const url =
    (config.options as { database?: { url?: string } }).database?.url ??
    config.env.DATABASE_URL ??
    config.env.TINA4_DATABASE_URL ??
    '';
  const scheme = url.slice(0, Math.max(0, url.indexOf(':'))).toLowerCase();
  return (
    DATABASE_DRIVERS[scheme] ??
    '<the driver of your database: better-sqlite3, pg, mysql2, tedious tarn, node-firebird>'
  );
}

const DATABASE_DRIVERS: Readonly<Record<string, string>> = {
  sqlite: 'better-sqlite3',
  postgres: 'pg',
  postgresql: 'pg',
  mysql: 'mysql2',
  mariadb: 'mysql2',
  mssql: 'tedious tarn',
  sqlserver: 'tedious tarn',
  firebird: 'node-firebird',
};
