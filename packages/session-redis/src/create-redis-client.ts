import type { RedisNode } from './parse-node-list.js';
import type { RedisClientOptions, RedisClusterOptions, RedisConnection } from './redis-client-options.js';
import type { RedisLikeClient } from './redis-like-client.js';

/** A client the store created: a {@link RedisLikeClient} that also emits connection errors. */
export interface OwnedRedisClient extends RedisLikeClient {
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** The two constructors of ioredis (or of a fork with its API, such as iovalkey). */
export interface RedisDriver {
  Redis: new (options: RedisClientOptions) => OwnedRedisClient;
  Cluster: new (startupNodes: RedisNode[], options: RedisClusterOptions) => OwnedRedisClient;
}

/**
 * A client for `connection`, built with `driver`'s constructors. It connects in the background and
 * reconnects by itself after an outage; commands issued meanwhile reject quickly.
 */
export function createRedisClient(driver: RedisDriver, connection: RedisConnection): OwnedRedisClient {
  const client =
    connection.mode === 'cluster'
      ? new driver.Cluster(connection.nodes, connection.options)
      : new driver.Redis(connection.options);
  // Failed operations already report an outage (the core logs it once, and once more when it is
  // over). Without a listener ioredis would also print every failed reconnection attempt.
  client.on('error', () => {});
  return client;
}
