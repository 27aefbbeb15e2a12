import type { RedisSettings } from '@tina4/session-redis';

/**
 * The Valkey backend's settings in code: `sessions({ backend: 'valkey', valkey: { ... } })`, the
 * same as the Redis backend's. Tina4's own names for the variables are `TINA4_SESSION_VALKEY_*`.
 */
export type ValkeySettings = RedisSettings;

declare module '@tina4/session-core' {
  interface BackendOptions {
    /** Settings of `@tina4/session-valkey` (`TINA4_SESSION_BACKEND=valkey`). */
    valkey?: ValkeySettings;
  }
}
