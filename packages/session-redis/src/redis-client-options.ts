import type { RedisNode } from './parse-node-list.js';

/** Connection settings shared by every client the store creates: fail fast, reconnect forever. */
export interface ResilienceOptions {
  /** A connection attempt that takes longer fails (and is retried). */
  connectTimeout: number;
  /** A command without a reply for this long rejects. */
  commandTimeout: number;
  /** Commands issued while disconnected wait for at most one reconnection attempt, then reject. */
  maxRetriesPerRequest: number;
  /** Queue commands until connected, so that requests right after start-up do not fail. */
  enableOfflineQueue: boolean;
  /**
   * How long closing waits for the connection to end before destroying it. Short: after an outage the
   * socket is already gone, and ioredis's timer would otherwise hold the process open on shutdown.
   */
  disconnectTimeout: number;
}

/** Options for the client's constructor: the subset of ioredis's `RedisOptions` this package sets. */
export interface RedisClientOptions extends ResilienceOptions {
  host?: string;
  port?: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: { servername?: string };
  /** Sentinel mode: the Sentinels to ask for the current master of {@link name}. */
  sentinels?: RedisNode[];
  name?: string;
  enableTLSForSentinelMode?: boolean;
  /** Delay before each reconnection attempt: never gives up, so the store recovers by itself. */
  retryStrategy(attempt: number): number;
}

/** Options for a cluster client's constructor (ioredis `ClusterOptions`). */
export interface RedisClusterOptions {
  redisOptions: ResilienceOptions & Pick<RedisClientOptions, 'username' | 'password' | 'tls'>;
  enableOfflineQueue: boolean;
  clusterRetryStrategy(attempt: number): number;
}

/** How to connect: one server (directly or through Sentinel), or a cluster from its seed nodes. */
export type RedisConnection =
  | { readonly mode: 'standalone' | 'sentinel'; readonly options: RedisClientOptions }
  | { readonly mode: 'cluster'; readonly nodes: RedisNode[]; readonly options: RedisClusterOptions };
