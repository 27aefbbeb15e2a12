import { SessionBackendNotInstalledError } from '@tina4/session-core';
import type { RedisDriver } from './create-redis-client.js';

/** What `await import('ioredis')` (or iovalkey) gives: its exports, named or under `default`. */
export type DriverModule = Partial<RedisDriver> & { default?: Partial<RedisDriver> };

/**
 * The Redis/Cluster constructors from a lazily imported client library. A library that is not
 * installed becomes a {@link SessionBackendNotInstalledError} with the command that installs it.
 */
export async function importDriver(
  load: () => Promise<DriverModule>,
  spec: { driver: string; backend: string; installCommand: string },
): Promise<RedisDriver> {
  let module: DriverModule;
  try {
    module = await load();
  } catch (error) {
    // Duck-typed rather than `instanceof Error`: loaders (Jest's, for one) may throw errors of another realm.
    const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
    const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
    if (missing && typeof message === 'string' && message.includes(spec.driver)) {
      throw new SessionBackendNotInstalledError(spec.backend, spec.installCommand, { cause: error });
    }
    throw error;
  }
  // CommonJS libraries: Node exposes their named exports, or at least `module.exports` as default.
  const Redis = module.Redis ?? module.default?.Redis;
  const Cluster = module.Cluster ?? module.default?.Cluster;
  if (!Redis || !Cluster) {
    throw new TypeError(`${spec.driver} does not export the Redis and Cluster classes this store expects.`);
  }
  return { Redis, Cluster };
}
