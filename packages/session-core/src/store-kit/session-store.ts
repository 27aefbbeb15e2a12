/**
 * The contract between the session core and a storage backend.
 *
 * A store keeps, per session, a flat record of fields (field name -> JSON text) and an expiry.
 * The core serialises and validates values; stores only move text around. Keys are SHA-256 hex
 * digests of session ids (see `sessionKeyOf`): stores never see a live id.
 *
 * What a write means when requests overlap: a record is created once, by the first write of a new
 * session ({@link SessionStore.create}); after that every write applies only while the record
 * exists ({@link SessionStore.update}, {@link SessionStore.move}, {@link SessionStore.touch}). A
 * destroyed, moved (regenerated) or expired record therefore stays gone, whatever a request that
 * loaded it earlier still sends: a logout cannot be undone by a slow request of the same browser.
 */

import type { PurgeProgressListener, PurgeResult, SessionCounts } from './store-maintenance.js';

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
  /** Drop every stored field before applying {@link set} (a cleared session). */
  readonly replace: boolean;
  /** Fields to create or overwrite. */
  readonly set: Readonly<SessionFields>;
  /** Fields to remove (never also present in {@link set}). */
  readonly delete: readonly string[];
}

/** Options of every operation that changes a record. */
export interface WriteOptions {
  /** The record's lifetime from now on. */
  readonly ttlSeconds: number;
}

/**
 * Computes the record a regenerated session gets from the record stored under its old key (the
 * core applies the request's own changes, and re-encrypts for the new key when encryption is on).
 * It may throw: the move is then abandoned and the old record left as it was.
 */
export type MoveSession = (stored: Readonly<SessionFields>) => SessionFields;

export interface SessionLockOptions {
  /** How long to wait for a lock that another request holds before giving up. */
  readonly waitMs: number;
  /**
   * How long a lock lives if its holder never releases it (a crashed process, a response that
   * streams for hours): after it, the next request gets the lock, in this process and others.
   */
  readonly leaseMs: number;
}

/** Releases a lock taken by {@link SessionStore.lock}. Safe to call more than once. */
export type ReleaseSessionLock = () => Promise<void>;

export interface SessionStore {
  /** Short name used in errors and logs ("file", "redis", ...). */
  readonly name: string;

  /**
   * Where the store keeps sessions, for log lines: `127.0.0.1:6379`, a database, a directory.
   * Never a password.
   */
  readonly location?: string;

  /**
   * Proves that the backend answers (a `PING`, a `SELECT 1`, a directory that can be written to).
   * Called once, at start-up, so that an unreachable store is reported before the first request.
   */
  ping?(): Promise<void>;

  /** One round trip. Resolves `undefined` for an unknown or expired session. */
  read(key: SessionKey, options?: ReadOptions): Promise<StoredSession | undefined>;

  /**
   * Stores the first record of a new session. Only when `key` holds no live record: resolves
   * `false`, changing nothing, when it does (an expired record may be replaced).
   */
  create(key: SessionKey, fields: Readonly<SessionFields>, options: WriteOptions): Promise<boolean>;

  /**
   * Applies `changes` to the live record of `key`, atomically, and sets its expiry to now + TTL.
   * Resolves `false`, changing and creating nothing, when there is no live record (destroyed,
   * moved by a regenerate, expired).
   */
  update(key: SessionKey, changes: SessionChangeSet, options: WriteOptions): Promise<boolean>;

  /**
   * Regenerates a session's key: takes the live record of `from` as it is stored at this moment,
   * stores `move(fields)` under `to` (a fresh key) with expiry now + TTL, and removes `from`. A
   * write to `from` is refused from the moment it is taken. Resolves `false`, creating nothing,
   * when `from` has no live record; of two moves of one record, one succeeds.
   */
  move(from: SessionKey, to: SessionKey, move: MoveSession, options: WriteOptions): Promise<boolean>;

  /**
   * Sets the live record's expiry to now + TTL without rewriting its data. Resolves `false` when
   * there is no live record (a missing record stays missing).
   */
  touch(key: SessionKey, options: WriteOptions): Promise<boolean>;

  /** Removes the record. A missing record is not an error. */
  destroy(key: SessionKey): Promise<void>;

  /**
   * Optional per-session mutual exclusion (`TINA4_SESSION_LOCK=true`), across processes where the
   * backend is shared. Rejects with a `SessionLockTimeoutError` after `waitMs`.
   */
  lock?(key: SessionKey, options: SessionLockOptions): Promise<ReleaseSessionLock>;

  /**
   * Optional, for operators (`tina4-session stats`): the sessions stored, live and (where the store
   * can tell) expired but not yet removed. Reads every record's expiry: not for the request path.
   */
  count?(): Promise<SessionCounts>;

  /**
   * Optional, for operators (`tina4-session purge`): removes every expired session now, with the
   * same care as the store's own cleanup (a session written meanwhile stays), reporting progress.
   */
  purgeExpired?(onProgress?: PurgeProgressListener): Promise<PurgeResult>;

  /** Releases connections, timers and files. The store is unusable afterwards. */
  close(): Promise<void>;
}
