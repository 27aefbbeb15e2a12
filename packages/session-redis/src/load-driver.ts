import { type ImportModule, importOptional, type OptionalModule } from '@tina4/session-core';
import type { RedisDriver } from './create-redis-client.js';

/** The driver of the Redis backend, and what to install when it is missing. */
export const IOREDIS: OptionalModule = {
  specifier: 'ioredis',
  backend: 'redis',
  installCommand: 'npm install @tina4/session-redis ioredis',
};

/** Imports from this package's location, where its peer dependencies (ioredis, iovalkey) resolve. */
const importHere: ImportModule = (specifier) => import(specifier);

/**
 * The Redis and Cluster constructors of a client library with ioredis's API (ioredis itself, or a
 * fork such as iovalkey), imported only when a store is created from the configuration. A library
 * that is not installed becomes a `SessionBackendNotInstalledError` naming the install command.
 */
export async function loadRedisDriver(
  driver: OptionalModule = IOREDIS,
  load: ImportModule = importHere,
): Promise<RedisDriver> {
  const module = await importOptional<Partial<RedisDriver>>(driver, load);
  const { Redis, Cluster } = module;
  if (!Redis || !Cluster) {
    throw new TypeError(
      `${driver.specifier} does not export the Redis and Cluster classes this store expects.`,
    );
  }
  return { Redis, Cluster };
}
