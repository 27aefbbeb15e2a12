import { hash, randomBytes } from 'node:crypto';

/** 32 random bytes: 256 bits from the operating system's CSPRNG. */
const ID_BYTES = 32;

/** base64url of 32 bytes is exactly 43 characters from the URL-safe alphabet. */
const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A new session id: 256 bits of CSPRNG output, base64url-encoded (URL- and cookie-safe). */
export function generateSessionId(): string {
  return randomBytes(ID_BYTES).toString('base64url');
}

/**
 * Whether a value has the shape of an id this library issues. Checked before any store lookup so
 * that garbage from a cookie never reaches a store.
 */
export function isWellFormedSessionId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

/**
 * The key under which stores keep a session: the SHA-256 of its id, in hex. Stores never see the
 * id itself, so a leaked database, dump or `MONITOR` output does not hand out live sessions.
 */
export function sessionKeyOf(sessionId: string): string {
  // The one-shot hash: no Hash object per request (a third of the cost of createHash's).
  return hash('sha256', sessionId, 'hex');
}
