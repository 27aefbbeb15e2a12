import type { SessionBackendModule } from '@tina4/session-core';
import { createRedisClient, describeConnection, redisSettingsFromConfig } from '@tina4/session-redis';
import { loadValkeyDriver } from './load-driver.js';
import { createValkeyStore } from './valkey-store.js';

export type { RedisLikeClient as ValkeyLikeClient } from '@tina4/session-redis';
export { IOVALKEY, loadValkeyDriver } from './load-driver.js';
export type { ValkeySettings } from './valkey-settings.js';
export { createValkeyStore, type ValkeyStoreOptions } from './valkey-store.js';

/**
 * The store for `TINA4_SESSION_BACKEND=valkey`, which `@tina4/session-core` loads by name. Reads the
 * same variables as the Redis backend (`TINA4_SESSION_HOST`, `TINA4_SESSION_URL`, ..., and Tina4's
 * `TINA4_SESSION_VALKEY_*`), imports iovalkey and connects. Configuration errors are thrown before
 * anything is imported or connected.
 */
export const createStoreFromConfig: SessionBackendModule['createStoreFromConfig'] = async (config) => {
  const { connection, prefix, nearCache } = redisSettingsFromConfig(config, 'valkey');
  const driver = await loadValkeyDriver();
  const client = createRedisClient(driver, connection);
  return createValkeyStore({
    client,
    prefix,
    nearCache,
    closeClient: true,
    operationTimeoutMs: config.storeTimeoutMs,
    location: describeConnection(connection),
  });
};
