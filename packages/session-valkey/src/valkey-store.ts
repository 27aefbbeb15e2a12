import type { SessionStore } from '@tina4/session-core';
import { createRedisStore, type RedisStoreOptions } from '@tina4/session-redis';

export type ValkeyStoreOptions = Omit<RedisStoreOptions, 'name'>;

/**
 * A session store on Valkey, through an iovalkey client (or any client with the commands of
 * {@link RedisStoreOptions.client}). Valkey speaks the Redis protocol, so this is the Redis store
 * of `@tina4/session-redis` under the name `valkey`: same data model, same guarantees.
 */
export function createValkeyStore(options: ValkeyStoreOptions): SessionStore {
  return createRedisStore({ ...options, name: 'valkey' });
}
