import { join } from 'node:path';
import { resolveSessionConfig, type SessionBackendModule, type SessionOptions } from '@tina4/session-core';
import type {} from '@tina4/session-database';
import type { RedisSettings } from '@tina4/session-redis';
import { type Endpoints, hostAndPort } from '../endpoints.js';
import type { Variant } from '../variants.js';

/** Records of the benchmark never mix with an application's (or a test's) on a shared server. */
const KEY_PREFIX = 'tina4-bench:';

/** The package of each backend that is not built into the core. */
const BACKEND_PACKAGES: Partial<Record<string, string>> = {
  redis: '@tina4/session-redis',
  valkey: '@tina4/session-valkey',
  database: '@tina4/session-database',
  mongodb: '@tina4/session-mongodb',
};

/**
 * The adapter options of a Tina4 variant, with the store of a packaged backend already created.
 * The core would import the backend package itself (`createStore`); importing it here and calling
 * the same `createStoreFromConfig` turns a package that cannot load into a "not available" row with
 * its reason, before any load is sent.
 */
export async function tina4SessionOptions(variant: Variant, endpoints: Endpoints): Promise<SessionOptions> {
  const options = tina4Options(variant, endpoints);
  const packageName = options.backend === undefined ? undefined : BACKEND_PACKAGES[options.backend];
  if (packageName === undefined) return options;
  let backend: SessionBackendModule;
  try {
    // A variable specifier: a package that is not written yet must not fail the typecheck.
    backend = (await import(packageName)) as SessionBackendModule;
  } catch (error) {
    throw new Error(
      `${packageName} cannot be loaded: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const store = await backend.createStoreFromConfig(resolveSessionConfig(options));
  return { ...options, store };
}

/**
 * The options a Tina4 variant passes to the adapter: explicit, with `.env` and `process.env` left out
 * (`envFile: false`, `env: {}`), so that nothing on the machine changes what is measured.
 */
function tina4Options(variant: Variant, endpoints: Endpoints): SessionOptions {
  const scratch = join(endpoints.dataDir, `${variant.name}-${process.pid}`);
  const base = {
    envFile: false as const,
    env: {
      TINA4_SESSION_PREFIX: KEY_PREFIX, // Redis, Valkey
      TINA4_SESSION_TABLE: 'tina4_bench_session', // SQL databases
      TINA4_SESSION_COLLECTION: 'tina4_bench_session', // MongoDB
    },
  };
  switch (variant.store) {
    case 'memory':
      return { ...base, backend: 'memory' };
    case 'file':
      return { ...base, backend: 'file', path: scratch };
    case 'redis':
    case 'valkey': {
      const server = serverOf(variant.store === 'redis' ? endpoints.redisUrl : endpoints.valkeyUrl);
      const settings: RedisSettings = { ...server, ...(variant.nearCache && { nearCache: true }) };
      return { ...base, backend: variant.store, [variant.store]: settings };
    }
    case 'sqlite':
      // sqlite:/// + a relative path; the scratch path is absolute, which makes four slashes.
      return { ...base, backend: 'database', database: { url: `sqlite:///${scratch}.db` } };
    case 'postgres':
      return { ...base, backend: 'database', database: { url: endpoints.postgresUrl } };
    case 'mariadb':
      return { ...base, backend: 'database', database: { url: endpoints.mariadbUrl } };
    case 'mongodb':
      return { ...base, backend: 'mongodb', env: { ...base.env, TINA4_SESSION_URL: endpoints.mongodbUrl } };
    case undefined:
      throw new Error(`${variant.name} has no store.`);
  }
}

function serverOf(url: string): RedisSettings {
  const { host, port } = hostAndPort(url);
  const password = decodeURIComponent(new URL(url).password);
  return { host, port, ...(password !== '' && { password }) };
}
