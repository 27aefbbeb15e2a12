import type { SessionKey } from '@tina4/session-core';
import type { TrackableClient } from './client-tracking.js';
import type { RedisLikeClient } from './redis-like-client.js';

/** The near cache's default bound: the estimated size of the sessions it keeps. */
export const DEFAULT_NEAR_CACHE_MAX_BYTES = 32 * 1024 * 1024;

/** Settings of the near cache (`nearCache: true` takes the defaults). */
export interface NearCacheOptions {
  /**
   * `TINA4_SESSION_NEAR_CACHE_MAX_BYTES`: the bound on the estimated size of the sessions kept (their
   * text as UTF-16, plus a few hundred bytes each), default 32 MiB. The least recently used go first.
   */
  maxBytes?: number;
  /** Told what the cache learns from the server: for metrics and logs. Must not throw. */
  onEvent?: (event: NearCacheEvent) => void;
}

/** What {@link NearCacheOptions.onEvent} is told. */
export type NearCacheEvent =
  /** The server tracks this process's reads (again): the cache serves from now on. */
  | { readonly type: 'tracking-on'; readonly invalidationClientId: number }
  /** Tracking may have lapsed: the cache was emptied and is bypassed until tracking is back. */
  | { readonly type: 'tracking-lost'; readonly reason: string }
  /** Sessions changed on the server by another connection (written, expired, evicted). */
  | { readonly type: 'invalidated'; readonly keys: readonly SessionKey[] }
  /** The server was flushed (`FLUSHALL`, `FLUSHDB`): every cached session was dropped. */
  | { readonly type: 'flushed' };

/** What a cluster or Sentinel client of ioredis and iovalkey has and a single server's has not. */
interface ClientShape {
  readonly isCluster?: boolean;
  readonly options?: { readonly sentinels?: readonly unknown[] | null; readonly keyPrefix?: string };
  readonly duplicate?: unknown;
  readonly removeListener?: unknown;
}

/**
 * The client, if the near cache can follow it: a single server's client that can open a second
 * connection (ioredis or iovalkey `Redis`). A Cluster or a Sentinel-managed client is refused: see
 * the README's "Near cache" for why.
 */
export function trackableClient(client: RedisLikeClient, setting: string): TrackableClient {
  const shape = client as RedisLikeClient & ClientShape;
  if (shape.isCluster === true) {
    throw new TypeError(
      `${setting} cannot be used with a Redis Cluster: each master sends the invalidations of its own ` +
        'keys, and this store follows a single server only. Turn the near cache off for a cluster.',
    );
  }
  if ((shape.options?.sentinels?.length ?? 0) > 0) {
    throw new TypeError(
      `${setting} cannot be used with Sentinel: during a failover the invalidation connection and the ` +
        'command connection can reach different servers, and invalidations would be lost. Turn the near ' +
        'cache off with Sentinel.',
    );
  }
  if (typeof shape.duplicate !== 'function' || typeof shape.removeListener !== 'function') {
    throw new TypeError(
      `${setting} needs an ioredis or iovalkey client (Redis class): the near cache opens a second ` +
        'connection of the same client for the invalidations (client.duplicate()).',
    );
  }
  return client as TrackableClient;
}

/**
 * What the client puts before every key it sends (ioredis's `keyPrefix` option), which the server's
 * invalidations carry: the store's own prefix comes after it.
 */
export function clientKeyPrefix(client: RedisLikeClient): string {
  return (client as RedisLikeClient & ClientShape).options?.keyPrefix ?? '';
}
