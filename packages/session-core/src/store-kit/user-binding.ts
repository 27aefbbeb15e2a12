import { createHash } from 'node:crypto';
import type { SessionChangeSet, SessionFields } from './session-store.js';

/**
 * The field that binds a session to a user (`session.setUser(id)`): the JSON text of the user's id,
 * a string. It lives in the record like any other field, so it moves with a regenerate and ends
 * with a destroy. Stores with the user-sessions capability also index the record by its
 * {@link UserKey}, which they compute from this field with the helpers below. With encryption at
 * rest, the wrapper keeps a copy of it in clear, under this name, for that index.
 */
export const USER_FIELD = '__tina4:user';

/**
 * What stores index a user's sessions by: the SHA-256 hex of the user's id. Bounded and safe in any
 * key, file or column name (ids may hold braces, slashes, anything); not a secret, since ids are
 * easy to guess from it.
 */
export type UserKey = string;

/** The {@link UserKey} of a user id: SHA-256 of its UTF-8 text, in hex. */
export function userKeyOf(userId: string): UserKey {
  return createHash('sha256').update(userId).digest('hex');
}

/** The user id that a stored {@link USER_FIELD} value names, or undefined for anything but a non-empty JSON string. */
export function userIdOfField(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    const id: unknown = JSON.parse(text);
    return typeof id === 'string' && id !== '' ? id : undefined;
  } catch {
    return undefined;
  }
}

/** The user key of a record, or undefined when it is bound to nobody. */
export function userKeyOfFields(fields: Readonly<SessionFields>): UserKey | undefined {
  const id = userIdOfField(Object.hasOwn(fields, USER_FIELD) ? fields[USER_FIELD] : undefined);
  return id === undefined ? undefined : userKeyOf(id);
}

/**
 * How applying `changes` changes a record's binding: the new user key when it sets one, `null` when
 * it ends one (the field deleted, or the record replaced without it), `undefined` when the binding
 * stays as stored.
 */
export function userKeyChange(changes: SessionChangeSet): UserKey | null | undefined {
  if (Object.hasOwn(changes.set, USER_FIELD)) return userKeyOfFields(changes.set) ?? null;
  if (changes.replace || changes.delete.includes(USER_FIELD)) return null;
  return undefined;
}

/** Whether applying `changes` may change a record's binding (see {@link userKeyChange}). */
export function touchesUserBinding(changes: SessionChangeSet): boolean {
  return userKeyChange(changes) !== undefined;
}
