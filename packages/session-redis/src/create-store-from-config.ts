import type { SessionConfig, SessionStore } from '@tina4/session-core';
import { createRedisClient } from './create-redis-client.js';
import { type DriverModule, importDriver } from './import-driver.js';
import { redisSettingsFromConfig } from './redis-options.js';
import { createRedisStore } from './redis-store.js';

/**
 * The store for `TINA4_SESSION_BACKEND=redis`, which `@tina4/session-core` loads by name: reads the
 * connection settings (see {@link redisSettingsFromConfig}), imports ioredis and connects.
 * Configuration errors are thrown before anything is imported or connected.
 */
export async function createStoreFromConfig(config: SessionConfig): Promise<SessionStore> {
  const { connection, prefix } = redisSettingsFromConfig(config);
  const driver = await importDriver(() => import('ioredis') as Promise<DriverModule>, {
    driver: 'ioredis',
    backend: 'redis',
    installCommand: 'npm install @tina4/session-redis ioredis',
  });
  return createRedisStore({ client: createRedisClient(driver, connection), prefix, closeClient: true });
}
