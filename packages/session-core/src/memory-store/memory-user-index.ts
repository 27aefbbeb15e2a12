import type { SessionFields, SessionKey } from '../store-kit/session-store.js';
import { type UserKey, userKeyOfFields } from '../store-kit/user-binding.js';
import type { UserSessionRecord } from '../store-kit/user-sessions.js';

/** What the index needs of a stored session (the memory store's entry). */
interface IndexedEntry {
  readonly fields: SessionFields;
  readonly expiresAt: number;
}

/**
 * The memory store's sessions by user: the keys of each user's sessions. A write that binds a
 * session adds its key; keys of sessions that ended or changed user are dropped when a listing
 * finds them so, and by the store's sweep. Every operation is synchronous, so a listing and a write
 * never interleave.
 */
export class MemoryUserIndex {
  readonly #keys = new Map<UserKey, Set<SessionKey>>();

  /** `key` now holds `fields`: indexed under its user, if it is bound. */
  record(key: SessionKey, fields: Readonly<SessionFields>): void {
    const user = userKeyOfFields(fields);
    if (user === undefined) return;
    const keys = this.#keys.get(user);
    if (keys) keys.add(key);
    else this.#keys.set(user, new Set([key]));
  }

  /** The live sessions bound to `user`; the keys found ended or rebound are dropped. */
  list(user: UserKey, entries: ReadonlyMap<SessionKey, IndexedEntry>): UserSessionRecord[] {
    const keys = this.#keys.get(user);
    if (!keys) return [];
    const now = Date.now();
    const records: UserSessionRecord[] = [];
    for (const key of keys) {
      const entry = entries.get(key);
      if (entry && entry.expiresAt > now && userKeyOfFields(entry.fields) === user) {
        records.push({ key, fields: { ...entry.fields }, expiresAt: entry.expiresAt });
      } else keys.delete(key);
    }
    if (keys.size === 0) this.#keys.delete(user);
    return records;
  }

  /** Drops every key whose session ended or changed user (the store's periodic sweep). */
  prune(entries: ReadonlyMap<SessionKey, IndexedEntry>): void {
    for (const user of [...this.#keys.keys()]) this.list(user, entries);
  }
}

/** One index per map of entries, so that stores sharing a map (as tests do) share its index too. */
const INDEXES = new WeakMap<object, MemoryUserIndex>();

export function userIndexOf(entries: ReadonlyMap<SessionKey, IndexedEntry>): MemoryUserIndex {
  const index = INDEXES.get(entries) ?? new MemoryUserIndex();
  INDEXES.set(entries, index);
  return index;
}
