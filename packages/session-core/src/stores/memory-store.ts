import { applyChangeSet } from '../store/apply-change-set.js';
import { KeyedMutex } from '../store/keyed-mutex.js';
import type {
  ReleaseSessionLock,
  SessionChangeSet,
  SessionKey,
  SessionLockOptions,
  SessionStore,
  StoredSession,
} from '../store/session-store.js';

export interface MemoryStoreOptions {
  /** Most sessions kept; the least recently used one goes first when full (default 10 000). */
  maxSessions?: number;
  /** How often expired sessions are swept, in milliseconds (default 60 000). */
  sweepIntervalMs?: number;
  /**
   * The map that holds the sessions, for tests that inspect what is stored or share it between
   * store instances. The store owns a map it creates; a map passed in is not cleared by `close()`.
   */
  entries?: Map<SessionKey, MemoryStoreEntry>;
}

/** One stored session of the memory store. */
export interface MemoryStoreEntry {
  fields: Record<string, string>;
  expiresAt: number;
}

/**
 * Sessions in this process's memory: for tests and single-process development only. Everything is
 * lost on restart and nothing is shared between processes or servers; use a server-backed store
 * (Redis, Valkey, MongoDB, SQL) in production.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): SessionStore {
  const maxSessions = options.maxSessions ?? 10_000;
  // A Map iterates in insertion order; re-inserting on use makes its first key the least recently used.
  const entries = options.entries ?? new Map<SessionKey, MemoryStoreEntry>();
  const mutex = new KeyedMutex();

  const sweep = (): void => {
    const now = Date.now();
    for (const [key, entry] of entries) if (entry.expiresAt <= now) entries.delete(key);
  };
  const sweeper = setInterval(sweep, options.sweepIntervalMs ?? 60_000);
  sweeper.unref();

  const live = (key: SessionKey): MemoryStoreEntry | undefined => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    entries.delete(key);
    if (entry.expiresAt <= Date.now()) return undefined;
    entries.set(key, entry);
    return entry;
  };

  return {
    name: 'memory',

    async read(key: SessionKey): Promise<StoredSession | undefined> {
      const entry = live(key);
      return entry && { fields: { ...entry.fields }, expiresAt: entry.expiresAt };
    },

    async write(key: SessionKey, changes: SessionChangeSet, ttlSeconds: number): Promise<void> {
      const fields = applyChangeSet(live(key)?.fields, changes);
      entries.set(key, { fields, expiresAt: Date.now() + ttlSeconds * 1000 });
      while (entries.size > maxSessions) entries.delete(entries.keys().next().value as SessionKey);
    },

    async touch(key: SessionKey, ttlSeconds: number): Promise<void> {
      const entry = live(key);
      if (entry) entry.expiresAt = Date.now() + ttlSeconds * 1000;
    },

    async destroy(key: SessionKey): Promise<void> {
      entries.delete(key);
    },

    lock(key: SessionKey, { waitMs }: SessionLockOptions): Promise<ReleaseSessionLock> {
      return mutex.acquire(key, waitMs);
    },

    async close(): Promise<void> {
      clearInterval(sweeper);
      if (!options.entries) entries.clear();
    },
  };
}
