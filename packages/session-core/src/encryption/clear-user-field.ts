import { createHmac } from 'node:crypto';
import type { SessionChangeSet, SessionFields, SessionKey } from '../store-kit/session-store.js';
import { USER_FIELD, type UserKey, userIdOfField, userKeyOf } from '../store-kit/user-binding.js';
import type { UserSessionRecord } from '../store-kit/user-sessions.js';
import type { FieldKey } from './field-cipher.js';

/*
 * Stores find a user's sessions by the binding's field, `USER_FIELD`, which an encrypted store would
 * otherwise seal like the rest. So it also keeps a copy under that name in clear, whose value names
 * no user without the secret: an HMAC of the user's key. A listing asks the store for the sessions
 * indexed under that HMAC, once per secret (sessions bound before a rotation carry the older one).
 * The copy is only an index entry: the binding the core reads is the sealed field, so a writer to
 * the store who edits the copy only changes which listing a record turns up in, and the core drops
 * a record whose sealed binding names another user.
 */

/** The JSON text the clear copy holds for the user key `user`, under `key`. */
function copyFor(key: FieldKey, user: UserKey): string {
  return JSON.stringify(
    createHmac('sha256', key.naming).update(`tina4-session user\u0000${user}`).digest('base64url'),
  );
}

/** `sealed` with the clear copy of the binding in `plain`, if it has one, under the writing key. */
export function withClearUser(
  writer: FieldKey,
  plain: Readonly<SessionFields>,
  sealed: SessionFields,
): SessionFields {
  const id = userIdOfField(Object.hasOwn(plain, USER_FIELD) ? plain[USER_FIELD] : undefined);
  if (id !== undefined) sealed[USER_FIELD] = copyFor(writer, userKeyOf(id));
  return sealed;
}

/** `sealed` (the change set `plain` sealed) with the same change to the clear copy of the binding. */
export function withClearUserChange(
  writer: FieldKey,
  plain: SessionChangeSet,
  sealed: SessionChangeSet,
): SessionChangeSet {
  if (Object.hasOwn(plain.set, USER_FIELD)) {
    const set = withClearUser(writer, plain.set, { ...sealed.set });
    // A binding to something that is not a user id ends the copy too.
    return Object.hasOwn(set, USER_FIELD)
      ? { ...sealed, set }
      : { ...sealed, delete: [...sealed.delete, USER_FIELD] };
  }
  if (plain.delete.includes(USER_FIELD)) return { ...sealed, delete: [...sealed.delete, USER_FIELD] };
  return sealed;
}

/** A stored record's sealed fields, without the clear copy (which no secret opens). */
export function withoutClearUser(stored: Readonly<SessionFields>): Readonly<SessionFields> {
  if (!Object.hasOwn(stored, USER_FIELD)) return stored;
  const sealed: SessionFields = Object.create(null);
  for (const name of Object.keys(stored)) if (name !== USER_FIELD) sealed[name] = stored[name]!;
  return sealed;
}

/** The user keys the store indexes `user`'s sessions under: one per secret, the writing one first. */
export function indexedUserKeys(keys: readonly FieldKey[], user: UserKey): UserKey[] {
  return keys.map((key) => userKeyOf(JSON.parse(copyFor(key, user)) as string));
}

/**
 * The inner store's listings (one per indexed user key), opened: each record once, as `open`
 * returns it (undefined when no secret opens it: left out), its expiry the earlier of the store's
 * and the sealed one.
 */
export function openUserSessions(
  listings: readonly (readonly UserSessionRecord[])[],
  open: (key: SessionKey, sealed: Readonly<SessionFields>) => UserSessionRecord | undefined,
): UserSessionRecord[] {
  const now = Date.now();
  const opened = new Map<SessionKey, UserSessionRecord>();
  for (const record of listings.flat()) {
    if (opened.has(record.key)) continue;
    const plain = open(record.key, withoutClearUser(record.fields));
    const expiresAt = plain && Math.min(record.expiresAt, plain.expiresAt);
    if (plain && expiresAt !== undefined && expiresAt > now) {
      opened.set(record.key, { key: record.key, fields: plain.fields, expiresAt });
    }
  }
  return [...opened.values()];
}
