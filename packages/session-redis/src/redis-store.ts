import {
  type ReadOptions,
  type ReleaseSessionLock,
  type SessionChangeSet,
  type SessionFields,
  type SessionKey,
  type SessionLockOptions,
  type SessionStore,
  SharedSessionLocks,
  type StoredSession,
} from '@tina4/session-core';
import type { RedisLikeClient } from './redis-like-client.js';
import {
  READ_SESSION,
  RELEASE_LOCK,
  runScript,
  SESSION_MARKER_FIELD,
  WRITE_SESSION,
} from './redis-scripts.js';
import { withDeadline } from './with-deadline.js';

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
   * operation rejects and the request gets a 503, whatever the client's own retry settings.
   */
  operationTimeoutMs?: number;
  /** Whether {@link SessionStore.close} also closes the client (default false: the client is yours). */
  closeClient?: boolean;
  /** The store's name in errors and logs (default `redis`). */
  name?: string;
}

/**
 * A session store on Redis (or a server speaking its protocol: Valkey, KeyDB, Dragonfly).
 *
 * Each session is one hash, `<prefix>{<key>}`, whose fields are the session's fields (JSON text)
 * plus an empty-named marker field; its expiry is Redis's own (`PEXPIRE`). The braces are a Cluster
 * hash tag: the lock key `<prefix>{<key>}:lock` lands in the same slot. Reads, writes and lock
 * releases are Lua scripts, so each is one atomic round trip.
 */
export function createRedisStore(options: RedisStoreOptions): SessionStore {
  const { client } = options;
  const prefix = options.prefix ?? DEFAULT_KEY_PREFIX;
  const timeoutMs = options.operationTimeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;
  const name = options.name ?? 'redis';
  const hashKey = (key: SessionKey): string => `${prefix}{${key}}`;
  const lockKey = (key: SessionKey): string => `${hashKey(key)}:lock`;
  const answer = <T>(work: Promise<T>): Promise<T> => withDeadline(work, timeoutMs, `${name} did not answer`);
  // SET NX PX takes a free lock; an expired one is gone by itself. The release is token-checked.
  const locks = new SharedSessionLocks({
    tryTake: async (key, token, leaseMs) =>
      (await answer(client.set(lockKey(key), token, 'PX', leaseMs, 'NX'))) === 'OK',
    release: async (key, token) => {
      await answer(runScript(client, RELEASE_LOCK, [lockKey(key)], [token]));
    },
  });

  return {
    name,

    async read(key: SessionKey, options?: ReadOptions): Promise<StoredSession | undefined> {
      const slide = options?.slide ? [options.slide.ttlSeconds * 1000, options.slide.afterMs] : [];
      const reply = await answer(runScript(client, READ_SESSION, [hashKey(key)], slide));
      const [ttlMs, flat, slid] = reply as [number, string[]?, number?];
      if (ttlMs === -2 || !flat) return undefined;
      // -1: the key lost its expiry outside this store (PERSIST). It is live; reporting it as about
      // to expire makes the core refresh it, which gives it an expiry again.
      const expiresAt = Date.now() + (ttlMs === -1 ? PERSISTED_KEY_REMAINING_MS : ttlMs);
      return { fields: fieldsOf(flat), expiresAt, slid: slid === 1 };
    },

    async write(key: SessionKey, changes: SessionChangeSet, ttlSeconds: number): Promise<void> {
      const set = Object.entries(changes.set);
      if (set.some(([field]) => field === SESSION_MARKER_FIELD)) {
        throw new TypeError('The empty field name is reserved by the Redis session store.');
      }
      const args: (string | number)[] = [
        ttlSeconds * 1000,
        changes.replace ? '1' : '0',
        Date.now(),
        changes.delete.length,
        ...changes.delete,
        ...set.flat(),
      ];
      await answer(runScript(client, WRITE_SESSION, [hashKey(key)], args));
    },

    async touch(key: SessionKey, ttlSeconds: number): Promise<void> {
      // PEXPIRE never creates a key: a session that expired meanwhile stays gone.
      await answer(client.pexpire(hashKey(key), ttlSeconds * 1000));
    },

    async destroy(key: SessionKey): Promise<void> {
      await answer(client.del(hashKey(key)));
    },

    lock(key: SessionKey, options: SessionLockOptions): Promise<ReleaseSessionLock> {
      return locks.acquire(key, options);
    },

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
}

/** HGETALL's flat `[field, value, ...]` reply as an object, without the marker field. */
function fieldsOf(flat: readonly string[]): SessionFields {
  const fields: SessionFields = {};
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const field = flat[i]!;
    if (field !== SESSION_MARKER_FIELD) fields[field] = flat[i + 1]!;
  }
  return fields;
}
