import type { SessionLogger } from '../logger.js';
import { applyChangeSet } from '../store-kit/change-set.js';
import { KeyedMutex } from '../store-kit/keyed-mutex.js';
import { checkMaxSessions } from '../store-kit/max-sessions.js';
import type {
  MoveSession,
  ReleaseSessionLock,
  SessionChangeSet,
  SessionFields,
  SessionKey,
  SessionLockOptions,
  StoredSession,
  WriteOptions,
} from '../store-kit/session-store.js';
import type { UserKey } from '../store-kit/user-binding.js';
import type { SessionStoreWithUserSessions, UserSessionRecord } from '../store-kit/user-sessions.js';
import { countMemorySessions, purgeMemorySessions } from './memory-maintenance.js';
import { userIndexOf } from './memory-user-index.js';

const DEFAULT_MAX_SESSIONS = 10_000;
/** Dropped sessions are reported at most this often. */
const REPORT_EVERY_MS = 60_000;

export interface MemoryStoreOptions {
  /**
   * Most sessions kept (`TINA4_SESSION_MAX_SESSIONS`, default 10 000); when full, the least recently
   * used one is dropped (its user is logged out), and the log says so at most once a minute.
   */
  maxSessions?: number;
  /** Where dropped sessions are reported (default `console`). */
  logger?: SessionLogger;
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
  fields: SessionFields;
  expiresAt: number;
}

/**
 * Sessions in this process's memory: for tests and single-process development only. Everything is
 * lost on restart and nothing is shared between processes or servers; use a server-backed store
 * (Redis, Valkey, MongoDB, SQL) in production. Every operation is synchronous underneath, so each
 * is atomic by itself.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): SessionStoreWithUserSessions {
  checkMaxSessions('createMemoryStore', options.maxSessions);
  const maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
  const logger = options.logger ?? console;
  let droppedSinceReport = 0;
  let reportedAt = Number.NEGATIVE_INFINITY;
  /** Drops the least recently used sessions beyond the bound, saying so at most once a minute. */
  const keepWithinBound = (): void => {
    while (entries.size > maxSessions) {
      entries.delete(entries.keys().next().value as SessionKey);
      droppedSinceReport++;
    }
    if (droppedSinceReport === 0 || Date.now() - reportedAt < REPORT_EVERY_MS) return;
    logger.warn(
      `[tina4-session] memory store: full at ${maxSessions} sessions (TINA4_SESSION_MAX_SESSIONS); dropped the ` +
        `${droppedSinceReport} least recently used, whose users are logged out. Raise the bound, or use a ` +
        'server-backed store for this many sessions.',
    );
    droppedSinceReport = 0;
    reportedAt = Date.now();
  };
  // A Map iterates in insertion order; re-inserting on use makes its first key the least recently used.
  const entries = options.entries ?? new Map<SessionKey, MemoryStoreEntry>();
  const mutex = new KeyedMutex();
  // The sessions of each user (`setUser`), for the user-sessions capability.
  const users = userIndexOf(entries);

  const sweep = (): void => {
    const now = Date.now();
    for (const [key, entry] of entries) if (entry.expiresAt <= now) entries.delete(key);
    users.prune(entries);
  };
  const sweeper = setInterval(sweep, options.sweepIntervalMs ?? 60_000);
  sweeper.unref();

  /** The live entry of `key`, marked as just used; an expired one is dropped. */
  const live = (key: SessionKey): MemoryStoreEntry | undefined => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    entries.delete(key);
    if (entry.expiresAt <= Date.now()) return undefined;
    entries.set(key, entry);
    return entry;
  };
  const put = (key: SessionKey, fields: SessionFields, ttlSeconds: number): void => {
    entries.set(key, { fields, expiresAt: Date.now() + ttlSeconds * 1000 });
    users.record(key, fields);
    keepWithinBound();
  };

  return {
    name: 'memory',
    location: "this process's memory",

    async read(key: SessionKey): Promise<StoredSession | undefined> {
      const entry = live(key);
      return entry && { fields: { ...entry.fields }, expiresAt: entry.expiresAt };
    },

    async create(
      key: SessionKey,
      fields: Readonly<SessionFields>,
      { ttlSeconds }: WriteOptions,
    ): Promise<boolean> {
      if (live(key)) return false;
      put(key, { ...fields }, ttlSeconds);
      return true;
    },

    async update(key: SessionKey, changes: SessionChangeSet, { ttlSeconds }: WriteOptions): Promise<boolean> {
      const entry = live(key);
      if (!entry) return false;
      put(key, applyChangeSet(entry.fields, changes), ttlSeconds);
      return true;
    },

    async move(
      from: SessionKey,
      to: SessionKey,
      move: MoveSession,
      { ttlSeconds }: WriteOptions,
    ): Promise<boolean> {
      const entry = live(from);
      if (!entry || live(to)) return false;
      const fields = move({ ...entry.fields });
      entries.delete(from);
      put(to, fields, ttlSeconds);
      return true;
    },

    async touch(key: SessionKey, { ttlSeconds }: WriteOptions): Promise<boolean> {
      const entry = live(key);
      if (entry) entry.expiresAt = Date.now() + ttlSeconds * 1000;
      return entry !== undefined;
    },

    async destroy(key: SessionKey): Promise<void> {
      entries.delete(key);
    },

    lock(key: SessionKey, { waitMs, leaseMs }: SessionLockOptions): Promise<ReleaseSessionLock> {
      return mutex.acquire(key, waitMs, leaseMs);
    },

    async listUserSessions(user: UserKey): Promise<UserSessionRecord[]> {
      return users.list(user, entries);
    },

    count: async () => countMemorySessions(entries),
    purgeExpired: async (onProgress) => purgeMemorySessions(entries, onProgress),

    async close(): Promise<void> {
      clearInterval(sweeper);
      if (!options.entries) entries.clear();
    },
  };
}
