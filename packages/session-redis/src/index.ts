export { createRedisClient, type OwnedRedisClient, type RedisDriver } from './create-redis-client.js';
export { createStoreFromConfig } from './create-store-from-config.js';
export { type DriverModule, importDriver } from './import-driver.js';
export type { RedisNode } from './parse-node-list.js';
export type { RedisLikeClient } from './redis-like-client.js';
export {
  type RedisClientOptions,
  type RedisClusterOptions,
  type RedisConnection,
  type RedisStoreSettings,
  type ResilienceOptions,
  redisSettingsFromConfig,
} from './redis-options.js';
export { SESSION_MARKER_FIELD } from './redis-scripts.js';
export {
  createRedisStore,
  DEFAULT_KEY_PREFIX,
  DEFAULT_OPERATION_TIMEOUT_MS,
  type RedisStoreOptions,
} from './redis-store.js';
