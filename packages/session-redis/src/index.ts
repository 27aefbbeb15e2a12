import type { SessionBackendModule } from '@tina4/session-core';
import { createRedisClient } from './create-redis-client.js';
import { loadRedisDriver } from './load-driver.js';
import { describeConnection, redisSettingsFromConfig } from './redis-settings.js';
import { createRedisStore } from './redis-store.js';

export { createRedisClient, type OwnedRedisClient, type RedisDriver } from './create-redis-client.js';
export { IOREDIS, loadRedisDriver } from './load-driver.js';
export {
  DEFAULT_NEAR_CACHE_MAX_BYTES,
  type NearCacheEvent,
  type NearCacheOptions,
} from './near-cache-options.js';
export type { RedisNode } from './parse-node-list.js';
export type {
  RedisClientOptions,
  RedisClusterOptions,
  RedisConnection,
  ResilienceOptions,
} from './redis-client-options.js';
export type { RedisLikeClient } from './redis-like-client.js';
export { SESSION_MARKER_FIELD } from './redis-scripts.js';
export {
  describeConnection,
  type RedisFlavour,
  type RedisSettings,
  type RedisStoreSettings,
  redisSettingsFromConfig,
} from './redis-settings.js';
export {
  createRedisStore,
  DEFAULT_KEY_PREFIX,
  DEFAULT_OPERATION_TIMEOUT_MS,
  type RedisStoreOptions,
} from './redis-store.js';

/**
 * The store for `TINA4_SESSION_BACKEND=redis`, which `@tina4/session-core` loads by name: reads the
 * settings (see {@link redisSettingsFromConfig}), imports ioredis and connects. Configuration errors
 * are thrown before anything is imported or connected.
 */
export const createStoreFromConfig: SessionBackendModule['createStoreFromConfig'] = async (config) => {
  const { connection, prefix, nearCache } = redisSettingsFromConfig(config);
  const driver = await loadRedisDriver();
  const client = createRedisClient(driver, connection);
  return createRedisStore({
    client,
    prefix,
    nearCache,
    closeClient: true,
    operationTimeoutMs: config.storeTimeoutMs,
    location: describeConnection(connection),
  });
};
