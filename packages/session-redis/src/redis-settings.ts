import {
  checkInteger,
  parseBoolean,
  parseInteger,
  parseNonEmpty,
  readSetting,
  type SessionConfig,
  SessionConfigError,
} from '@tina4/session-core';
import type { NearCacheOptions } from './near-cache-options.js';
import { nearCacheSetting } from './near-cache-settings.js';
import { parseNodeList, type RedisNode } from './parse-node-list.js';
import { parseRedisUrl } from './parse-redis-url.js';
import type { RedisConnection, ResilienceOptions } from './redis-client-options.js';
import { DEFAULT_KEY_PREFIX, DEFAULT_OPERATION_TIMEOUT_MS } from './redis-store.js';

/**
 * The Redis backend's settings in code: `sessions({ backend: 'redis', redis: { ... } })`. Each one
 * overrides its variable (see the README's table); unset ones come from the environment.
 */
export interface RedisSettings {
  /** `TINA4_SESSION_URL`: `redis://[user[:password]@]host[:port][/db]`, `rediss://` for TLS. */
  url?: string;
  /** `TINA4_SESSION_HOST` (Tina4: `TINA4_SESSION_REDIS_HOST`), default 127.0.0.1. */
  host?: string;
  /** `TINA4_SESSION_PORT` (Tina4: `TINA4_SESSION_REDIS_PORT`), default 6379. */
  port?: number;
  /** `TINA4_SESSION_USERNAME`: an ACL user (Redis 6+). */
  username?: string;
  /** `TINA4_SESSION_PASSWORD` (Tina4: `TINA4_SESSION_REDIS_PASSWORD`). */
  password?: string;
  /** `TINA4_SESSION_DB` (Tina4: `TINA4_SESSION_REDIS_DB`), default 0. */
  db?: number;
  /** `TINA4_SESSION_PREFIX` (Tina4: `TINA4_SESSION_REDIS_PREFIX`), default `tina4:sess:`. */
  prefix?: string;
  /** `TINA4_SESSION_TLS`: connect with TLS (default false; true for `rediss://`). */
  tls?: boolean;
  /** `TINA4_SESSION_SENTINELS`: Sentinel mode, the Sentinels (`host:port`, comma-separated). */
  sentinels?: string | readonly RedisNode[];
  /** `TINA4_SESSION_SENTINEL_NAME`: the master's name in Sentinel mode. */
  sentinelName?: string;
  /** `TINA4_SESSION_CLUSTER`: Cluster mode, some of the cluster's nodes (`host:port`, comma-separated). */
  cluster?: string | readonly RedisNode[];
  /**
   * `TINA4_SESSION_NEAR_CACHE`: keep sessions in this process's memory, kept fresh by the server's
   * invalidations (default false; a single server only). Options: `TINA4_SESSION_NEAR_CACHE_MAX_BYTES`.
   */
  nearCache?: boolean | NearCacheOptions;
}

declare module '@tina4/session-core' {
  interface BackendOptions {
    /** Settings of `@tina4/session-redis` (`TINA4_SESSION_BACKEND=redis`). */
    redis?: RedisSettings;
  }
}

/** Where to connect, and the key prefix: what a store created from the configuration needs. */
export interface RedisStoreSettings {
  readonly connection: RedisConnection;
  readonly prefix: string;
  /** The near cache's options when it is on (a single server only). */
  readonly nearCache?: NearCacheOptions;
}

/** The server(s) of a connection, for log lines: never a password. */
export function describeConnection(connection: RedisConnection): string {
  const address = ({ host, port }: RedisNode): string => `${host.includes(':') ? `[${host}]` : host}:${port}`;
  switch (connection.mode) {
    case 'cluster':
      return `cluster ${connection.nodes.map(address).join(',')}`;
    case 'sentinel':
      return `master "${connection.options.name}" via Sentinels ${(connection.options.sentinels ?? []).map(address).join(',')}`;
    default:
      return `${address({ host: connection.options.host ?? '127.0.0.1', port: connection.options.port ?? 6379 })}${
        connection.options.db ? `/${connection.options.db}` : ''
      }`;
  }
}

/** The two flavours this package serves: Redis, and Valkey through `@tina4/session-valkey`. */
export type RedisFlavour = 'redis' | 'valkey';

/** Client settings for stores this package creates: give up on a command with the store's deadline. */
const resilience = (timeoutMs: number): ResilienceOptions => ({
  connectTimeout: timeoutMs,
  commandTimeout: timeoutMs,
  maxRetriesPerRequest: 1,
  enableOfflineQueue: true,
  disconnectTimeout: 200,
});

/**
 * 50 ms, 100 ms, ... then every 500 ms for as long as the server is away. Short, because commands
 * issued meanwhile wait for the next attempt (`maxRetriesPerRequest: 1`): this bounds how long a
 * request waits for its 503 during an outage, and how soon sessions work again after it.
 */
const reconnectDelay = (attempt: number): number => Math.min(attempt * 50, 500);

/**
 * The connection settings of the configuration: the code options of `config.options[flavour]` over
 * the variables in `config.env` (`TINA4_SESSION_URL`, `_HOST`, `_PORT`, `_USERNAME`, `_PASSWORD`,
 * `_DB`, `_PREFIX`, `_TLS`, `_SENTINELS`, `_SENTINEL_NAME`, `_CLUSTER`, and Tina4's names
 * `TINA4_SESSION_REDIS_HOST`, ... (`TINA4_SESSION_VALKEY_*` for Valkey) as aliases). Throws
 * {@link SessionConfigError} naming the variable on bad or conflicting values, never echoing a password.
 */
export function redisSettingsFromConfig(
  config: SessionConfig,
  flavour: RedisFlavour = 'redis',
): RedisStoreSettings {
  const given = (config.options as { [K in RedisFlavour]?: RedisSettings })[flavour] ?? {};
  const tina4 = `TINA4_SESSION_${flavour.toUpperCase()}_`;
  const names = (own: string, alias?: string): string[] =>
    alias === undefined ? [`TINA4_SESSION_${own}`] : [`TINA4_SESSION_${own}`, `${tina4}${alias}`];
  const text = (own: string, alias: string | undefined, value: string | undefined) =>
    readSetting(config.env, names(own, alias), (raw, name) => parseNonEmpty(name, raw), value);

  const url = text('URL', undefined, given.url);
  const host = text('HOST', 'HOST', given.host);
  const port = readSetting(
    config.env,
    names('PORT', 'PORT'),
    (raw, name) => parseInteger(name, raw, 'port', { max: 65535 }),
    given.port === undefined ? undefined : checkInteger('redis.port', given.port, 'port', { max: 65535 }),
  );
  const username = text('USERNAME', undefined, given.username);
  const password = readSetting(config.env, names('PASSWORD', 'PASSWORD'), (raw) => raw, given.password);
  const rawDb = readSetting(
    config.env,
    names('DB', 'DB'),
    (raw, name) => parseInteger(name, raw, 'database number', { min: 0 }),
    given.db === undefined ? undefined : checkInteger('redis.db', given.db, 'database number', { min: 0 }),
  );
  const prefix =
    readSetting(config.env, names('PREFIX', 'PREFIX'), (raw) => raw, given.prefix) ?? DEFAULT_KEY_PREFIX;
  const rawTls = readSetting(config.env, names('TLS'), (raw, name) => parseBoolean(name, raw), given.tls);
  const sentinels = nodes(
    'TINA4_SESSION_SENTINELS',
    text('SENTINELS', undefined, asText(given.sentinels)),
    26379,
  );
  const sentinelName = text('SENTINEL_NAME', undefined, given.sentinelName);
  const cluster = nodes('TINA4_SESSION_CLUSTER', text('CLUSTER', undefined, asText(given.cluster)), 6379);
  const nearCache = nearCacheSetting(
    config.env,
    given.nearCache,
    cluster ? 'TINA4_SESSION_CLUSTER' : sentinels ? 'TINA4_SESSION_SENTINELS' : undefined,
  );

  const ways = [
    url && 'TINA4_SESSION_URL',
    sentinels && 'TINA4_SESSION_SENTINELS',
    cluster && 'TINA4_SESSION_CLUSTER',
  ].filter(Boolean);
  if (ways.length > 1) {
    throw new SessionConfigError(
      `${ways.join(' and ')} are both set. Use one of them to say where the server is.`,
    );
  }
  if (ways.length === 1 && (host !== undefined || port !== undefined)) {
    throw new SessionConfigError(
      `${ways[0]} and TINA4_SESSION_HOST/TINA4_SESSION_PORT are both set. Use one of them to say where the server is.`,
    );
  }
  if (sentinelName !== undefined && sentinels === undefined) {
    throw new SessionConfigError(
      'TINA4_SESSION_SENTINEL_NAME is set without TINA4_SESSION_SENTINELS. List the Sentinels as host:port entries.',
    );
  }

  const parsedUrl = url === undefined ? undefined : parseRedisUrl('TINA4_SESSION_URL', url);
  const db = rawDb ?? parsedUrl?.db;
  const tls = rawTls ?? parsedUrl?.tls ?? false;
  const RESILIENCE = resilience(config.storeTimeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS);
  const credentials = definedOnly({
    username: username ?? parsedUrl?.username,
    password: password ?? parsedUrl?.password,
  });

  if (cluster) {
    if (db !== undefined && db !== 0) {
      throw new SessionConfigError(
        `TINA4_SESSION_DB=${db} cannot be used with TINA4_SESSION_CLUSTER: a Redis Cluster has database 0 only.`,
      );
    }
    return {
      prefix,
      connection: {
        mode: 'cluster',
        nodes: cluster,
        options: {
          redisOptions: { ...RESILIENCE, ...credentials, ...(tls && { tls: {} }) },
          enableOfflineQueue: true,
          clusterRetryStrategy: reconnectDelay,
        },
      },
    };
  }

  const common = { ...RESILIENCE, ...credentials, ...definedOnly({ db }), retryStrategy: reconnectDelay };
  if (sentinels) {
    if (sentinelName === undefined) {
      throw new SessionConfigError(
        'TINA4_SESSION_SENTINELS is set without TINA4_SESSION_SENTINEL_NAME. Give the master name the Sentinels ' +
          'monitor (the name in "sentinel monitor <name> ...", often mymaster).',
      );
    }
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

  const serverHost = parsedUrl?.host ?? host ?? '127.0.0.1';
  return {
    prefix,
    ...(nearCache && { nearCache }),
    connection: {
      mode: 'standalone',
      options: {
        ...common,
        host: serverHost,
        port: parsedUrl?.port ?? port ?? 6379,
        ...(tls && { tls: { servername: serverHost } }),
      },
    },
  };
}

function nodes(variable: string, raw: string | undefined, defaultPort: number): RedisNode[] | undefined {
  return raw === undefined ? undefined : parseNodeList(variable, raw, defaultPort);
}

function asText(list: string | readonly RedisNode[] | undefined): string | undefined {
  if (list === undefined || typeof list === 'string') return list;
  return list
    .map((node) => `${node.host.includes(':') ? `[${node.host}]` : node.host}:${node.port}`)
    .join(',');
}

/** `values` without its undefined entries, so that client options hold only what was configured. */
function definedOnly<T extends Record<string, unknown>>(
  values: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
