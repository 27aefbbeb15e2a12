import {
  type MoveSession,
  type ReadOptions,
  type ReleaseSessionLock,
  type SessionChangeSet,
  type SessionFields,
  type SessionKey,
  type SessionLockOptions,
  type SessionStore,
  type SessionStoreWithUserSessions,
  SharedSessionLocks,
  type StoredSession,
  USER_FIELD,
  userIdOfField,
  userKeyChange,
  userKeyOf,
  userKeyOfFields,
  type WriteOptions,
  withDeadline,
} from '@tina4/session-core';
import {
  clientKeyPrefix,
  DEFAULT_NEAR_CACHE_MAX_BYTES,
  type NearCacheOptions,
  trackableClient,
} from './near-cache-options.js';
import { withNearCache } from './near-cached-store.js';
import type { RedisLikeClient } from './redis-like-client.js';
import { RedisLockBackend } from './redis-lock.js';
import { redisStoreMaintenance } from './redis-maintenance.js';
import {
  CREATE_SESSION,
  DESTROY_SESSION,
  type LuaScript,
  PAST_DEADLINE,
  READ_SESSION,
  runScript,
  SESSION_MARKER_FIELD,
  TAKE_SESSION,
  TOUCH_SESSION,
  UPDATE_SESSION,
} from './redis-scripts.js';
import { RedisUserIndex } from './redis-user-index.js';

/** Key prefix when none is configured (`TINA4_SESSION_PREFIX`). */
export const DEFAULT_KEY_PREFIX = 'tina4:sess:';

/** What {@link SessionStore.read} reports as left of a session whose expiry was removed behind the store's back. */
const PERSISTED_KEY_REMAINING_MS = 1000;

/** How long one store operation may wait for the server by default. */
export const DEFAULT_OPERATION_TIMEOUT_MS = 2000;

export interface RedisStoreOptions {
  /** The client to send commands through: ioredis `Redis` or `Cluster`, iovalkey, or any {@link RedisLikeClient}. */
  client: RedisLikeClient;
  /** Prepended to every key (default `tina4:sess:`), so that apps can share a server or database. */
  prefix?: string;
  /**
   * Longest wait for the server in one operation, in milliseconds (default 2000). Past it the
   * operation rejects (the request gets a 503, whatever the client's own retry settings), and a
   * write that reaches Redis later is refused by the server itself.
   */
  operationTimeoutMs?: number;
  /** Whether {@link SessionStore.close} also closes the client (default false: the client is yours). */
  closeClient?: boolean;
  /** The store's name in errors and logs (default `redis`). */
  name?: string;
  /** Where the server is, for log lines (`127.0.0.1:6379`, a Sentinel master, Cluster nodes); never a password. */
  location?: string;
  /**
   * Keep the sessions this process reads and writes in memory, kept fresh by the server's
   * invalidations (`CLIENT TRACKING`), so that a session read again costs no round trip (default
   * off). Needs an ioredis or iovalkey `Redis` client of a single server (not Cluster, not
   * Sentinel). See the README's "Near cache".
   */
  nearCache?: boolean | NearCacheOptions;
}

/**
 * A session store on Redis (or a server speaking its protocol: Valkey, KeyDB, Dragonfly).
 *
 * Each session is one hash, `<prefix>{<key>}`, whose fields are the session's fields (JSON text)
 * plus an empty-named marker field; its expiry is Redis's own (`PEXPIRE`). The braces are a Cluster
 * hash tag: the lock key `<prefix>{<key>}:lock` lands in the same slot. Every operation on one
 * session is a Lua script, so each is one atomic round trip; a regenerate, whose two keys may live
 * on different Cluster nodes, is two (take the old hash out, create the new one).
 */
export function createRedisStore(options: RedisStoreOptions): SessionStoreWithUserSessions {
  const { client } = options;
  const prefix = options.prefix ?? DEFAULT_KEY_PREFIX;
  const timeoutMs = options.operationTimeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;
  const name = options.name ?? 'redis';
  const hashKey = (key: SessionKey): string => `${prefix}{${key}}`;
  const answer = <T>(work: Promise<T>): Promise<T> =>
    withDeadline(work, timeoutMs, `${name} did not answer`).catch((error: unknown) => {
      throw explainClientError(error);
    });
  /** Runs a data-changing script with the deadline past which Redis refuses it. */
  const change = async (script: LuaScript, key: SessionKey, args: (string | number)[]): Promise<unknown> => {
    const deadline = Date.now() + timeoutMs;
    const reply = await answer(runScript(client, script, [hashKey(key)], [deadline, ...args]));
    if (reply === PAST_DEADLINE)
      throw new Error(`${name} received the command after its deadline had passed`);
    return reply;
  };
  const create = async (
    key: SessionKey,
    fields: Readonly<SessionFields>,
    ttlMs: number,
  ): Promise<boolean> => {
    const user = userKeyOfFields(fields);
    if (user !== undefined) await users.add(user, key);
    return (await change(CREATE_SESSION, key, [ttlMs, Date.now(), ...pairs(fields)])) === 1;
  };
  const nearCache = options.nearCache === true ? {} : options.nearCache || undefined;
  // Checked before anything is sent: a client the near cache cannot follow is a mistake to report now.
  const trackedClient = nearCache && trackableClient(client, 'nearCache');
  const locks = new SharedSessionLocks(
    new RedisLockBackend(client, (key) => `${hashKey(key)}:lock`, timeoutMs, name),
  );

  const read = async (key: SessionKey, options?: ReadOptions): Promise<StoredSession | undefined> => {
    const slide = options?.slide ? [options.slide.ttlSeconds * 1000, options.slide.afterMs] : [];
    const reply = await answer(runScript(client, READ_SESSION, [hashKey(key)], slide));
    const [ttlMs, flat, slid] = reply as [number, string[]?, number?];
    if (ttlMs === -2 || !flat) return undefined;
    // -1: the key lost its expiry outside this store (PERSIST). It is live; reporting it as about
    // to expire makes the core refresh it, which gives it an expiry again.
    const expiresAt = Date.now() + (ttlMs === -1 ? PERSISTED_KEY_REMAINING_MS : ttlMs);
    return { fields: fieldsOf(flat), expiresAt, slid: slid === 1 };
  };
  // The sessions of each user (`setUser`), in hashes of their own: see redis-user-index.ts.
  const users = new RedisUserIndex({
    client,
    indexKey: (user) => `${prefix}user:{${user}}`,
    answer,
    read: (key) => read(key),
  });

  const store: SessionStoreWithUserSessions = {
    name,
    ...(options.location !== undefined && { location: options.location }),

    async ping(): Promise<void> {
      await answer(client.call('PING', []));
    },

    read,

    create(key: SessionKey, fields: Readonly<SessionFields>, { ttlSeconds }: WriteOptions): Promise<boolean> {
      return create(key, fields, ttlSeconds * 1000);
    },

    async update(key: SessionKey, changes: SessionChangeSet, { ttlSeconds }: WriteOptions): Promise<boolean> {
      const args: (string | number)[] = [
        ttlSeconds * 1000,
        changes.replace ? '1' : '0',
        changes.delete.length,
      ];
      for (const field of changes.delete) args.push(field);
      const user = userKeyChange(changes);
      if (typeof user === 'string') await users.add(user, key);
      return (await change(UPDATE_SESSION, key, args.concat(pairs(changes.set)))) === 1;
    },

    async move(
      from: SessionKey,
      to: SessionKey,
      move: MoveSession,
      { ttlSeconds }: WriteOptions,
    ): Promise<boolean> {
      const taken = (await change(TAKE_SESSION, from, [])) as [number, string[]] | null;
      if (!taken) return false;
      const [remainingMs, flat] = taken;
      const fields = fieldsOf(flat);
      try {
        if (await create(to, move(fields), ttlSeconds * 1000)) {
          const user = userKeyOfFields(fields);
          if (user !== undefined) await users.remove(user, from);
          return true;
        }
        throw new Error(`${name} already holds a session under the regenerated key`);
      } catch (error) {
        // Put the session back where it was, so that a failed regenerate loses nothing.
        await create(from, fields, remainingMs > 0 ? remainingMs : ttlSeconds * 1000).catch(() => {});
        throw error;
      }
    },

    async touch(key: SessionKey, { ttlSeconds }: WriteOptions): Promise<boolean> {
      // PEXPIRE never creates a key: a session that expired meanwhile stays gone. The near cache
      // keeps the touched expiry, so its touch is a script that leaves the key tracked.
      const touched = trackedClient
        ? runScript(client, TOUCH_SESSION, [hashKey(key)], [ttlSeconds * 1000])
        : client.pexpire(hashKey(key), ttlSeconds * 1000);
      return (await answer(touched)) === 1;
    },

    async destroy(key: SessionKey): Promise<void> {
      const bound = await answer(runScript(client, DESTROY_SESSION, [hashKey(key)], [USER_FIELD]));
      const user = userIdOfField(typeof bound === 'string' ? bound : undefined);
      if (user !== undefined) await users.remove(userKeyOf(user), key);
    },

    lock(key: SessionKey, options: SessionLockOptions): Promise<ReleaseSessionLock> {
      return locks.acquire(key, options);
    },

    listUserSessions: (user) => users.listUserSessions(user),

    // Operators' commands (`tina4-session stats`, `purge`).
    ...redisStoreMaintenance(client, prefix, name, answer),

    async close(): Promise<void> {
      if (!options.closeClient) return;
      // QUIT lets pending replies arrive; a server that is down never answers it, hence the deadline.
      try {
        await answer(client.quit());
      } catch {
        client.disconnect();
      }
    },
  };
  if (!trackedClient) return store;
  return withNearCache(store, {
    client: trackedClient,
    // The keys as the server knows them, as its invalidations name them.
    prefix: clientKeyPrefix(client) + prefix,
    maxBytes: nearCache.maxBytes ?? DEFAULT_NEAR_CACHE_MAX_BYTES,
    timeoutMs,
    ownsClient: options.closeClient === true,
    onEvent: nearCache.onEvent,
    name,
  });
}

/** The fields as `[name, value, name, value, ...]`, refusing the store's own marker name. */
function pairs(fields: Readonly<SessionFields>): string[] {
  const flat: string[] = [];
  for (const field of Object.keys(fields)) {
    if (field === SESSION_MARKER_FIELD)
      throw new TypeError('The empty field name is reserved by the Redis session store.');
    flat.push(field, fields[field]!);
  }
  return flat;
}

/** HGETALL's flat `[field, value, ...]` reply as an object, without the marker field. */
function fieldsOf(flat: readonly string[]): SessionFields {
  const fields: SessionFields = Object.create(null);
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const field = flat[i]!;
    if (field !== SESSION_MARKER_FIELD) fields[field] = flat[i + 1]!;
  }
  return fields;
}

/**
 * The client's own words for "no connection" (ioredis: "Reached the max retries per request limit
 * (which is 1). Refer to ...") in plain terms for the log; the original stays as the cause.
 */
function explainClientError(error: unknown): unknown {
  const message = (error as { message?: unknown } | null | undefined)?.message;
  if (typeof message !== 'string') return error;
  if (
    /max retries per request|Connection is closed|Stream isn't writeable|enableOfflineQueue/i.test(message)
  ) {
    return new Error('the server cannot be reached (no connection, and none came back in time)', {
      cause: error,
    });
  }
  return error;
}
