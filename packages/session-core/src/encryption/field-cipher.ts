import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { SessionKey } from '../store-kit/session-store.js';

/**
 * How one session field is kept at rest: under a name that reveals nothing (an HMAC of the session
 * key and the field name), holding `v2.<key id>.<base64url(iv | ciphertext | tag)>` where the
 * plaintext carries the real field name and its JSON text. The stored name is the associated data,
 * so a value cannot be moved to another field or another session; the version prefix lets the
 * format change later.
 */
const FORMAT = 'v2';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Stored names: `f.` and 128 bits of HMAC, enough that two names of one session never collide. */
const NAME_PREFIX = 'f.';
const NAME_BYTES = 16;

/** The keys derived from one `TINA4_SESSION_SECRET`. */
export interface FieldKey {
  /** Short public id, stored with each value, so that the right secret is tried first. */
  readonly id: string;
  readonly encryption: Buffer;
  readonly naming: Buffer;
}

export function deriveFieldKey(secret: string): FieldKey {
  const derive = (purpose: string) =>
    Buffer.from(hkdfSync('sha256', secret, 'tina4-session', `session field ${purpose} v2`, 32));
  const encryption = derive('encryption');
  return {
    id: createHash('sha256').update(encryption).digest('base64url').slice(0, 8),
    encryption,
    naming: derive('naming'),
  };
}

/** The name a field is stored under with `key`: the same every time, unreadable without the secret. */
export function storedNameOf(key: FieldKey, sessionKey: SessionKey, name: string): string {
  const digest = createHmac('sha256', key.naming).update(`${sessionKey}\u0000${name}`).digest();
  return NAME_PREFIX + digest.subarray(0, NAME_BYTES).toString('base64url');
}

/** Fresh IVs for `count` fields, drawn at once: one call to the random source per record, not per field. */
export function freshIvs(count: number): (index: number) => Buffer {
  const pool = randomBytes(IV_BYTES * count);
  return (index) => pool.subarray(index * IV_BYTES, (index + 1) * IV_BYTES);
}

export function sealField(
  key: FieldKey,
  sessionKey: SessionKey,
  name: string,
  text: string,
  iv: Buffer = randomBytes(IV_BYTES),
): string {
  const cipher = createCipheriv('aes-256-gcm', key.encryption, iv);
  cipher.setAAD(associatedData(sessionKey, storedNameOf(key, sessionKey, name)));
  // Length-prefixed, so that no character of a name can be mistaken for the end of it.
  const body = Buffer.concat([cipher.update(`${name.length}:${name}${text}`, 'utf8'), cipher.final()]);
  return `${FORMAT}.${key.id}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
}

/** A field opened: its real name and JSON text, and the position of the secret that opened it. */
export interface OpenedField {
  readonly name: string;
  readonly text: string;
  readonly keyIndex: number;
}

/**
 * Opens a stored field, or `undefined` when no listed secret can: a retired secret, a value
 * written elsewhere (another session, another field), altered bytes, or an older format.
 */
export function openField(
  keys: readonly FieldKey[],
  sessionKey: SessionKey,
  storedName: string,
  sealed: string,
): OpenedField | undefined {
  const [format, id, payload] = sealed.split('.');
  const keyIndex = keys.findIndex((candidate) => candidate.id === id);
  const key = keys[keyIndex];
  if (format !== FORMAT || !key || payload === undefined) return undefined;
  const bytes = Buffer.from(payload, 'base64url');
  if (bytes.length < IV_BYTES + TAG_BYTES) return undefined;
  let plain: string;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.encryption, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(associatedData(sessionKey, storedName));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    plain = Buffer.concat([
      decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    return undefined;
  }
  const colon = plain.indexOf(':');
  const length = Number(plain.slice(0, colon));
  if (colon < 1 || !Number.isSafeInteger(length) || colon + 1 + length > plain.length) return undefined;
  const name = plain.slice(colon + 1, colon + 1 + length);
  // The stored name must be the one this name gets: the value sits where it was written.
  if (storedNameOf(key, sessionKey, name) !== storedName) return undefined;
  return { name, text: plain.slice(colon + 1 + length), keyIndex };
}

function associatedData(sessionKey: SessionKey, storedName: string): Buffer {
  return Buffer.from(`${sessionKey}\u0000${storedName}`);
}
