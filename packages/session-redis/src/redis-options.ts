import { type SessionConfig, SessionConfigError } from '@tina4/session-core';
import { parseNodeList, type RedisNode } from './parse-node-list.js';
import { parseRedisUrl } from './parse-redis-url.js';
import { DEFAULT_KEY_PREFIX, DEFAULT_OPERATION_TIMEOUT_MS } from './redis-store.js';

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

export interface RedisStoreSettings {
  readonly connection: RedisConnection;
  /** `TINA4_SESSION_PREFIX` (default `tina4:sess:`). */
  readonly prefix: string;
}

const RESILIENCE: ResilienceOptions = {
  connectTimeout: DEFAULT_OPERATION_TIMEOUT_MS,
  commandTimeout: DEFAULT_OPERATION_TIMEOUT_MS,
  maxRetriesPerRequest: 1,
  enableOfflineQueue: true,
  disconnectTimeout: 200,
};

/**
 * 50 ms, 100 ms, ... then every 500 ms for as long as the server is away. Short, because commands
 * issued meanwhile wait for the next attempt (`maxRetriesPerRequest: 1`): this bounds how long a
 * request waits for its 503 during an outage, and how soon sessions work again after it.
 */
const reconnectDelay = (attempt: number): number => Math.min(attempt * 50, 500);

/**
 * The connection settings in a session configuration: `host`, `port` and `password` (the core's
 * `TINA4_SESSION_HOST/PORT/PASSWORD`), plus the variables this package reads from `config.env`:
 * `TINA4_SESSION_URL`, `TINA4_SESSION_USERNAME`, `TINA4_SESSION_DB`, `TINA4_SESSION_PREFIX`,
 * `TINA4_SESSION_TLS`, `TINA4_SESSION_SENTINELS`, `TINA4_SESSION_SENTINEL_NAME` and
 * `TINA4_SESSION_CLUSTER`. Throws {@link SessionConfigError} naming the variable on bad or
 * conflicting values.
 */
export function redisSettingsFromConfig(config: SessionConfig): RedisStoreSettings {
  const env = (name: string): string | undefined => {
    const value = config.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const rawUrl = env('TINA4_SESSION_URL');
  const rawSentinels = env('TINA4_SESSION_SENTINELS');
  const sentinelName = env('TINA4_SESSION_SENTINEL_NAME');
  const rawCluster = env('TINA4_SESSION_CLUSTER');
  const rawDb = env('TINA4_SESSION_DB');
  const rawTls = env('TINA4_SESSION_TLS');

  const ways = [
    rawUrl && 'TINA4_SESSION_URL',
    rawSentinels && 'TINA4_SESSION_SENTINELS',
    rawCluster && 'TINA4_SESSION_CLUSTER',
  ].filter(Boolean);
  if (ways.length > 1) {
    throw new SessionConfigError(
      `${ways.join(' and ')} are both set. Use one of them to say where the server is.`,
    );
  }
  if (ways.length === 1 && (config.host !== undefined || config.port !== undefined)) {
    throw new SessionConfigError(
      `${ways[0]} and TINA4_SESSION_HOST/TINA4_SESSION_PORT are both set. Use one of them to say where the server is.`,
    );
  }
  if (sentinelName !== undefined && rawSentinels === undefined) {
    throw new SessionConfigError(
      'TINA4_SESSION_SENTINEL_NAME is set without TINA4_SESSION_SENTINELS. List the Sentinels as host:port entries.',
    );
  }

  const url = rawUrl === undefined ? undefined : parseRedisUrl('TINA4_SESSION_URL', rawUrl);
  const db = rawDb === undefined ? url?.db : parseDatabaseNumber(rawDb);
  const tls = rawTls === undefined ? (url?.tls ?? false) : parseTls(rawTls);
  const host = url?.host ?? config.host ?? '127.0.0.1';
  const credentials = definedOnly({
    username: env('TINA4_SESSION_USERNAME') ?? url?.username,
    password: config.password ?? url?.password,
  });
  const prefix = env('TINA4_SESSION_PREFIX') ?? DEFAULT_KEY_PREFIX;

  if (rawCluster !== undefined) {
    if (db !== undefined && db !== 0) {
      throw new SessionConfigError(
        `TINA4_SESSION_DB=${db} cannot be used with TINA4_SESSION_CLUSTER: a Redis Cluster has database 0 only.`,
      );
    }
    const nodes = parseNodeList('TINA4_SESSION_CLUSTER', rawCluster, 6379);
    return {
      prefix,
      connection: {
        mode: 'cluster',
        nodes,
        options: {
          redisOptions: { ...RESILIENCE, ...credentials, ...(tls && { tls: {} }) },
          enableOfflineQueue: true,
          clusterRetryStrategy: reconnectDelay,
        },
      },
    };
  }

  const common = { ...RESILIENCE, ...credentials, ...definedOnly({ db }), retryStrategy: reconnectDelay };
  if (rawSentinels !== undefined) {
    if (sentinelName === undefined) {
      throw new SessionConfigError(
        'TINA4_SESSION_SENTINELS is set without TINA4_SESSION_SENTINEL_NAME. Give the master name the Sentinels ' +
          'monitor (the name in "sentinel monitor <name> ...", often mymaster).',
      );
    }
    const sentinels = parseNodeList('TINA4_SESSION_SENTINELS', rawSentinels, 26379);
    return {
      prefix,
      connection: {
        mode: 'sentinel',
        options: {
          ...common,
          sentinels,
          name: sentinelName,
          ...(tls && { tls: {}, enableTLSForSentinelMode: true }),
        },
      },
    };
  }

  return {
    prefix,
    connection: {
      mode: 'standalone',
      options: {
        ...common,
        host,
        port: url?.port ?? config.port ?? 6379,
        ...(tls && { tls: { servername: host } }),
      },
    },
  };
}

function parseDatabaseNumber(raw: string): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value)) {
    throw new SessionConfigError(
      `TINA4_SESSION_DB="${raw}" is not a database number. Use a whole number, 0 or more (default 0).`,
    );
  }
  return value;
}

function parseTls(raw: string): boolean {
  const word = raw.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(word)) return true;
  if (['false', '0', 'no', 'off'].includes(word)) return false;
  throw new SessionConfigError(`TINA4_SESSION_TLS="${raw}" is not a boolean. Use true or false.`);
}

/** `values` without its undefined entries, so that client options hold only what was configured. */
function definedOnly<T extends Record<string, unknown>>(
  values: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
