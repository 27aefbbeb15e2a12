/**
 * The contract between the session core and a storage backend.
 *
 * A store keeps, per session, a flat record of fields (field name -> JSON text) and an expiry.
 * The core serialises and validates values; stores only move text around. Keys are SHA-256 hex
 * digests of session ids (see {@link sessionKeyOf}): stores never see a live id.
 */

/** SHA-256 hex of a session id. */
export type SessionKey = string;

/** A session's stored fields: name -> JSON text of the value. */
export type SessionFields = Record<string, string>;

/** What {@link SessionStore.read} returns for a live session. */
export interface StoredSession {
  readonly fields: SessionFields;
  /** When the record expires, in epoch milliseconds (after a sliding refresh, if one was made). */
  readonly expiresAt: number;
  /** True when the read also refreshed the expiry as {@link ReadOptions.slide} asked. */
  readonly slid?: boolean;
}

/** Options of {@link SessionStore.read}. */
export interface ReadOptions {
  /**
   * Sliding expiry in the same round trip, for stores that can (Redis): when the record was last
   * refreshed at least `afterMs` ago, set its expiry to now + `ttlSeconds` and report `slid: true`.
   * Stores that cannot ignore it; the core then calls {@link SessionStore.touch} when needed.
   */
  readonly slide?: { readonly ttlSeconds: number; readonly afterMs: number };
}

/**
 * The changes one request made to a session. Stores apply it atomically, so that two concurrent
 * requests of one browser that touch different fields both survive.
 */
export interface SessionChangeSet {
  /** Drop every stored field before applying {@link set} (a cleared, new or regenerated session). */
  readonly replace: boolean;
  /** Fields to create or overwrite. */
  readonly set: Readonly<SessionFields>;
  /** Fields to remove (never also present in {@link set}). */
  readonly delete: readonly string[];
}

export interface SessionLockOptions {
  /** How long to wait for a lock that another request holds before giving up. */
  readonly waitMs: number;
  /** How long a lock lives if its holder never releases it (a crashed process). */
  readonly leaseMs: number;
}

/** Releases a lock taken by {@link SessionStore.lock}. Safe to call more than once. */
export type ReleaseSessionLock = () => Promise<void>;

export interface SessionStore {
  /** Short name used in errors and logs ("file", "redis", ...). */
  readonly name: string;

  /** One round trip. Resolves `undefined` for an unknown or expired session. */
  read(key: SessionKey, options?: ReadOptions): Promise<StoredSession | undefined>;

  /**
   * Applies a change set atomically and sets the expiry to now + `ttlSeconds`. Creates the record
   * when it does not exist.
   */
  write(key: SessionKey, changes: SessionChangeSet, ttlSeconds: number): Promise<void>;

  /** Sets the expiry to now + `ttlSeconds` without rewriting data. A missing record stays missing. */
  touch(key: SessionKey, ttlSeconds: number): Promise<void>;

  /** Removes the record. A missing record is not an error. */
  destroy(key: SessionKey): Promise<void>;

  /**
   * Optional per-session mutual exclusion (`TINA4_SESSION_LOCK=true`), across processes where the
   * backend is shared. Rejects with {@link SessionLockTimeoutError} after `waitMs`.
   */
  lock?(key: SessionKey, options: SessionLockOptions): Promise<ReleaseSessionLock>;

  /** Releases connections, timers and files. The store is unusable afterwards. */
  close(): Promise<void>;
}
