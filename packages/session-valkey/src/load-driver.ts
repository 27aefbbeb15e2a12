import type { ImportModule, OptionalModule } from '@tina4/session-core';
import { loadRedisDriver, type RedisDriver } from '@tina4/session-redis';

/** The driver of the Valkey backend, and what to install when it is missing. */
export const IOVALKEY: OptionalModule = {
  specifier: 'iovalkey',
  backend: 'valkey',
  installCommand: 'npm install @tina4/session-valkey iovalkey',
};

/** Imports from this package's location, where its peer dependency iovalkey resolves. */
const importHere: ImportModule = (specifier) => import(specifier);

/** iovalkey's Redis and Cluster constructors, imported only when a store is created from the configuration. */
export function loadValkeyDriver(load: ImportModule = importHere): Promise<RedisDriver> {
  return loadRedisDriver(IOVALKEY, load);
}
