export type { RedisLikeClient as ValkeyLikeClient } from '@tina4/session-redis';
export { createStoreFromConfig, createValkeyStore, type ValkeyStoreOptions } from './valkey-store.js';
