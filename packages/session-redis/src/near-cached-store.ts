import {
  applyChangeSet,
  type ReadOptions,
  type ReleaseSessionLock,
  type SessionKey,
  type SessionStoreWithUserSessions,
  type StoredSession,
  withDeadline,
} from '@tina4/session-core';
import { ClientTracking, type TrackableClient } from './client-tracking.js';
import { type CachedSession, cachedRecord, frozenCopy, NearCache, type NextEntry } from './near-cache.js';
import type { NearCacheEvent } from './near-cache-options.js';
import { joinProcessCaches } from './process-near-caches.js';

export interface NearCachedStoreOptions {
  /** The store's command connection, whose reads the server tracks. */
  readonly client: TrackableClient;
  /** The store's key prefix: invalidations of other keys (locks, user indexes) are ignored. */
  readonly prefix: string;
  readonly maxBytes: number;
  /** The store's deadline: also how long `ping` waits for tracking to be on. */
  readonly timeoutMs: number;
  /** Whether the store closes the client: a client of the app's gets tracking turned off instead. */
  readonly ownsClient: boolean;
  readonly onEvent?: ((event: NearCacheEvent) => void) | undefined;
  /** The store's name, for errors. */
  readonly name: string;
}

/**
 * The Redis store with a near cache in front: a session this process read or wrote is served again
 * from memory, with no round trip, for as long as the server reports no change of it (see
 * {@link ClientTracking}); writes still go to the server, each one round trip, and update the
 * cached copy from their reply. What the cache serves:
 *
 * - only while tracking is on: when a connection drops the cache is emptied and bypassed until the
 *   server tracks this process's reads again;
 * - never past the record's expiry, and never when the read is due to slide the expiry (the server
 *   does that in the read's round trip, so the expiry keeps sliding as without the cache);
 * - never while this store holds the session's lock: a locked request reads what the request before
 *   it wrote, which an invalidation in transit could not guarantee.
 *
 * Writes are applied by the server only while the record lives (the contract), so a stale copy can
 * never bring back a destroyed session: it can at most show another process's write a moment late.
 */
export function withNearCache(
  store: SessionStoreWithUserSessions,
  options: NearCachedStoreOptions,
): SessionStoreWithUserSessions {
  const cache = new NearCache(options.maxBytes);
  const processCaches = joinProcessCaches(options.prefix, cache);
  const emit = options.onEvent ?? (() => {});
  /** Locks of this store still held, per session (requests of this process queue for one lock). */
  const locked = new Map<SessionKey, number>();
  const sessionKeyOf = sessionKeyParser(options.prefix);
  const waitingForTracking = new Set<() => void>();

  const tracking = new ClientTracking(options.client, {
    trackingOn(invalidationClientId) {
      cache.activate();
      for (const resume of waitingForTracking) resume();
      waitingForTracking.clear();
      emit({ type: 'tracking-on', invalidationClientId });
    },
    trackingLost(reason) {
      cache.deactivate();
      emit({ type: 'tracking-lost', reason });
    },
    invalidated(keys) {
      if (keys === null) {
        cache.clear();
        emit({ type: 'flushed' });
        return;
      }
      const sessions: SessionKey[] = [];
      for (const key of keys) {
        const session = sessionKeyOf(key);
        if (session === undefined) continue;
        cache.invalidate(session);
        sessions.push(session);
      }
      if (sessions.length > 0) emit({ type: 'invalidated', keys: sessions });
    },
  });

  /** Runs an operation on `key` and keeps what `next` makes of its result, if nothing raced it. */
  const through = async <T>(
    key: SessionKey,
    work: () => Promise<T>,
    next: (result: T) => NextEntry | undefined,
  ): Promise<T> => {
    const ticket = cache.begin(key);
    let result: T;
    try {
      result = await work();
    } catch (error) {
      cache.settle(ticket);
      throw error;
    }
    cache.settle(ticket, next(result));
    return result;
  };
  /** A write: the other near caches of this process forget the key when it is sent and when it is done. */
  const write = async <T>(
    key: SessionKey,
    work: () => Promise<T>,
    next: (result: T) => NextEntry | undefined,
  ): Promise<T> => {
    processCaches.othersForget(key);
    try {
      return await through(key, work, next);
    } finally {
      processCaches.othersForget(key);
    }
  };
  /** When a write sent now expires (the server sets it a moment later: this errs on the early side). */
  const expiryFrom = (ttlSeconds: number): number => cache.now() + ttlSeconds * 1000;
  const readThrough = (key: SessionKey, readOptions?: ReadOptions): Promise<StoredSession | undefined> =>
    through(
      key,
      () => store.read(key, readOptions),
      (record) => record && (() => cachedRecord(record)),
    );

  return {
    ...store,

    read(key, readOptions) {
      if (!locked.has(key)) {
        const hit = cache.get(key);
        if (hit && !slideIsDue(hit, readOptions, cache.now())) {
          return Promise.resolve({ fields: hit.fields, expiresAt: hit.expiresAt });
        }
      }
      return readThrough(key, readOptions);
    },

    create(key, fields, writeOptions) {
      const expiresAt = expiryFrom(writeOptions.ttlSeconds);
      return write(
        key,
        () => store.create(key, fields, writeOptions),
        (created) => (created ? () => ({ fields: frozenCopy(fields), expiresAt }) : undefined),
      );
    },

    update(key, changes, writeOptions) {
      const expiresAt = expiryFrom(writeOptions.ttlSeconds);
      return write(
        key,
        () => store.update(key, changes, writeOptions),
        (updated) =>
          updated
            ? (current) =>
                // Without a cached copy only a replacing change set says what the record now holds.
                current || changes.replace
                  ? { fields: Object.freeze(applyChangeSet(current?.fields, changes)), expiresAt }
                  : undefined
            : undefined,
      );
    },

    move(from, to, move, writeOptions) {
      const expiresAt = expiryFrom(writeOptions.ttlSeconds);
      let created: ReturnType<typeof move> | undefined;
      cache.delete(from);
      return write(
        from,
        () =>
          write(
            to,
            () => store.move(from, to, (stored) => (created = move(stored)), writeOptions),
            (moved) => (moved && created ? () => ({ fields: frozenCopy(created!), expiresAt }) : undefined),
          ),
        () => undefined,
      );
    },

    touch(key, writeOptions) {
      const expiresAt = expiryFrom(writeOptions.ttlSeconds);
      return write(
        key,
        () => store.touch(key, writeOptions),
        (touched) => (touched ? (current) => current && { fields: current.fields, expiresAt } : undefined),
      );
    },

    destroy(key) {
      cache.delete(key);
      return write(
        key,
        () => store.destroy(key),
        () => undefined,
      );
    },

    async lock(key, lockOptions): Promise<ReleaseSessionLock> {
      const release = await store.lock!(key, lockOptions);
      locked.set(key, (locked.get(key) ?? 0) + 1);
      let held = true;
      return () => {
        if (held) {
          held = false;
          const holders = locked.get(key)! - 1;
          if (holders === 0) locked.delete(key);
          else locked.set(key, holders);
        }
        return release();
      };
    },

    /** The server answers, and tracks this process's reads (so that the cache serves). */
    async ping(): Promise<void> {
      await store.ping!();
      if (tracking.on) return;
      let resume: () => void = () => {};
      const on = new Promise<void>((resolve) => {
        resume = resolve;
        waitingForTracking.add(resolve);
      });
      await withDeadline(on, options.timeoutMs, 'tracking was not turned on').catch(() => {
        waitingForTracking.delete(resume);
        const refusal = tracking.refusal;
        throw new Error(
          refusal
            ? `${options.name} refused client tracking, which the near cache needs (Redis 6.2+ or Valkey, ` +
                `and an ACL that allows CLIENT): ${refusal.message}`
            : `${options.name} did not turn on client tracking for the near cache within ${options.timeoutMs} ms`,
          { cause: refusal },
        );
      });
    },

    async close(): Promise<void> {
      processCaches.leave();
      cache.deactivate();
      await withDeadline(tracking.close(!options.ownsClient), options.timeoutMs, 'no answer').catch(() => {});
      await store.close();
    },
  };
}

/** Whether a read would renew the expiry on the server (see `ReadOptions.slide`). */
function slideIsDue(hit: CachedSession, readOptions: ReadOptions | undefined, now: number): boolean {
  const slide = readOptions?.slide;
  return slide !== undefined && now - (hit.expiresAt - slide.ttlSeconds * 1000) >= slide.afterMs;
}

/** The session key in a key the server reports, `<prefix>{<session key>}`; undefined for other keys. */
function sessionKeyParser(prefix: string): (key: string) => SessionKey | undefined {
  const length = prefix.length + 66;
  return (key) =>
    key.length === length && key.startsWith(prefix) && key[prefix.length] === '{' && key.endsWith('}')
      ? key.slice(prefix.length + 1, -1)
      : undefined;
}
