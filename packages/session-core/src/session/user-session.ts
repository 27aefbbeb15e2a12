import { createHash } from 'node:crypto';
import type { SessionKey } from '../store-kit/session-store.js';
import type { UserSessionRecord } from '../store-kit/user-sessions.js';
import { TTL_FIELD } from './session-state.js';

/** When the session was bound to its user (`setUser`), in epoch milliseconds: a listing's `createdAt`. */
export const SINCE_FIELD = '__tina4:user-since';
/** The app's short description of the device (`setDevice`), for listings. */
export const DEVICE_FIELD = '__tina4:device';

/**
 * One live session of a user, as `req.session.userSessions()` and `SessionManager.listUser` give
 * it: what a "where you're signed in" page shows, and the handle to end it with.
 */
export interface UserSession {
  /**
   * Names the session for `revokeSession(handle)` without revealing it: a hash of the store's key
   * (itself a hash of the id), which cannot be turned back into a cookie. Changes when the session
   * is regenerated.
   */
  readonly handle: string;
  /** When the session was signed in: bound to the user with `setUser`. */
  readonly createdAt: Date;
  /**
   * When the session was last used: its last write or expiry refresh (refreshes are throttled, so
   * this is at most a minute, or a tenth of the TTL, behind the last request).
   */
  readonly lastSeenAt: Date;
  /** When the session ends unless it is used again. */
  readonly expiresAt: Date;
  /** The app's description of the device (`setDevice`), or null. */
  readonly device: string | null;
  /** Whether this is the session of the request that asked (always false from `SessionManager.listUser`). */
  readonly current: boolean;
}

/** A handle: 192 bits of SHA-256 in base64url. */
const HANDLE_PATTERN = /^[A-Za-z0-9_-]{32}$/;

/** The handle of the session stored under `key` (see {@link UserSession.handle}). */
export function sessionHandleOf(key: SessionKey): string {
  return createHash('sha256').update(`tina4-session-handle\u0000${key}`).digest('base64url').slice(0, 32);
}

/** Whether `value` has the shape of a handle (anything else names no session, without a store lookup). */
export function isSessionHandle(value: unknown): value is string {
  return typeof value === 'string' && HANDLE_PATTERN.test(value);
}

/**
 * How a store's record of a user's session is shown. `ttlSeconds` is the configured lifetime, for
 * sessions without one of their own: the last refresh was one lifetime before the expiry.
 */
export function describeUserSession(
  record: UserSessionRecord,
  ttlSeconds: number,
  currentKey: SessionKey | undefined,
): UserSession {
  const { fields } = record;
  const now = Date.now();
  const ownTtl = numberIn(fields[TTL_FIELD]);
  const lastSeenAt = Math.min(now, record.expiresAt - (ownTtl ?? ttlSeconds) * 1000);
  const since = numberIn(fields[SINCE_FIELD]);
  const device = textIn(fields[DEVICE_FIELD]);
  return {
    handle: sessionHandleOf(record.key),
    createdAt: new Date(since !== undefined && since <= lastSeenAt ? since : lastSeenAt),
    lastSeenAt: new Date(lastSeenAt),
    expiresAt: new Date(record.expiresAt),
    device: device ?? null,
    current: record.key === currentKey,
  };
}

function parsed(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function numberIn(text: string | undefined): number | undefined {
  const value = parsed(text);
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

function textIn(text: string | undefined): string | undefined {
  const value = parsed(text);
  return typeof value === 'string' && value !== '' ? value : undefined;
}
