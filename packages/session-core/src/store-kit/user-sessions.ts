import type { SessionFields, SessionKey, SessionStore } from './session-store.js';
import type { UserKey } from './user-binding.js';

/** A live record bound to a user, as {@link UserSessionIndex.listUserSessions} returns it. */
export interface UserSessionRecord {
  readonly key: SessionKey;
  /** The record's fields, as `read` returns them. */
  readonly fields: SessionFields;
  /** When the record expires, in epoch milliseconds. */
  readonly expiresAt: number;
}

/**
 * An optional capability of a store: it indexes records by the user they are bound to (the
 * `USER_FIELD` of `user-binding.ts`), so that the core can list a user's sessions and end them
 * (`req.session.userSessions()`, `SessionManager.revokeUser`). Ending one is a `destroy` of its
 * record: a request of it that is still in flight then changes nothing (`update`, `move` and `touch`
 * apply only to live records), so a revoked session stays dead.
 *
 * The store keeps the index with its own writes (create, update, move, destroy). It may hold more
 * than the user's live records (an index that forgets ended sessions lazily): the core keeps only
 * the records whose field still names the user. It must never miss one: a live record bound to the
 * user that a listing leaves out could not be signed out. Expired records are left out of a listing
 * as they are read, without waiting for any sweep.
 */
export interface UserSessionIndex {
  /** Every live record bound to the user with key `user`, in any order (and possibly others, see above). */
  listUserSessions(user: UserKey): Promise<UserSessionRecord[]>;
}

/** A store with the {@link UserSessionIndex} capability. */
export type SessionStoreWithUserSessions = SessionStore & UserSessionIndex;

/** Whether `store` has the {@link UserSessionIndex} capability. */
export function supportsUserSessions(store: SessionStore): store is SessionStoreWithUserSessions {
  return typeof (store as Partial<UserSessionIndex>).listUserSessions === 'function';
}
