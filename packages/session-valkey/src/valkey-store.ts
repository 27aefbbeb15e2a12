import type { SessionConfig, SessionStore } from '@tina4/session-core';
import {
  createRedisClient,
  createRedisStore,
  type DriverModule,
  importDriver,
  type RedisStoreOptions,
  redisSettingsFromConfig,
} from '@tina4/session-redis';

export type ValkeyStoreOptions = Omit<RedisStoreOptions, 'name'>;

/**
 * A session store on Valkey, through an iovalkey client (or any client with the commands of
 * {@link RedisStoreOptions.client}). Valkey speaks the Redis protocol, so this is the Redis store
 * of `@tina4/session-redis` under the name `valkey`: same data model, same guarantees.
 */
export function createValkeyStore(options: ValkeyStoreOptions): SessionStore {
  return createRedisStore({ ...options, name: 'valkey' });
}

/**
 * The store for `TINA4_SESSION_BACKEND=valkey`, which `@tina4/session-core` loads by name. Reads the
 * same variables as the Redis backend (`TINA4_SESSION_HOST`, `TINA4_SESSION_URL`, ...), imports
 * iovalkey and connects. Configuration errors are thrown before anything is imported or connected.
 */
export async function createStoreFromConfig(config: SessionConfig): Promise<SessionStore> {
  const { connection, prefix } = redisSettingsFromConfig(config);
  const driver = await importDriver(() => import('iovalkey') as Promise<DriverModule>, {
    driver: 'iovalkey',
    backend: 'valkey',
    installCommand: 'npm install @tina4/session-valkey iovalkey',
  });
  return createValkeyStore({ client: createRedisClient(driver, connection), prefix, closeClient: true });
}
