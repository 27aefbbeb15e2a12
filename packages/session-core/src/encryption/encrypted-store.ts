import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import type { SessionLogger } from '../logger.js';
import type {
  MoveSession,
  SessionChangeSet,
  SessionFields,
  SessionKey,
  SessionStore,
  StoredSession,
  WriteOptions,
} from '../store-kit/session-store.js';

/** `v1.<key id>.<base64url(iv | ciphertext | tag)>`: versioned so the format can change later. */
const FORMAT = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

interface FieldKey {
  readonly id: string;
  readonly key: Buffer;
}

/**
 * Wraps a store so that every session value is encrypted at rest with AES-256-GCM (`TINA4_SESSION_SECRET`).
 * The first secret encrypts; every secret decrypts, so secrets can be rotated by putting the new one
 * first. Each value is bound to its session and field name (associated data), so ciphertexts cannot
 * be moved between sessions or keys. Field names and expiry stay readable: stores need them to merge
 * change sets and expire records. A session whose values no listed secret can open (a retired
 * secret, tampering) is treated as missing and logged once per process and session.
 */
export function encryptStore(
  store: SessionStore,
  secrets: readonly string[],
  logger: SessionLogger,
): SessionStore {
  if (secrets.length === 0) throw new TypeError('encryptStore needs at least one secret.');
  const keys = secrets.map(deriveFieldKey);
  const writer = keys[0]!;
  const reported = new Set<string>();

  const seal = (sessionKey: SessionKey, fields: Readonly<SessionFields>): SessionFields => {
    const sealed: SessionFields = Object.create(null);
    for (const name of Object.keys(fields)) sealed[name] = encrypt(writer, sessionKey, name, fields[name]!);
    return sealed;
  };

  const open = (sessionKey: SessionKey, fields: Readonly<SessionFields>): SessionFields | undefined => {
    const opened: SessionFields = Object.create(null);
    for (const name of Object.keys(fields)) {
      const text = decrypt(keys, sessionKey, name, fields[name]!);
      if (text === undefined) return undefined;
      opened[name] = text;
    }
    return opened;
  };

  const reportUnreadable = (sessionKey: SessionKey): void => {
    if (reported.has(sessionKey)) return;
    reported.add(sessionKey);
    logger.warn(
      `[tina4-session] a session in store "${store.name}" could not be decrypted with any TINA4_SESSION_SECRET ` +
        '(retired secret or altered data); it is treated as missing and the visitor gets a new session.',
    );
  };

  return {
    name: store.name,
    ...(store.location !== undefined && { location: store.location }),
    ...(store.ping && { ping: store.ping.bind(store) }),
    async read(key, options): Promise<StoredSession | undefined> {
      const record = await store.read(key, options);
      if (!record) return undefined;
      const fields = open(key, record.fields);
      if (!fields) {
        reportUnreadable(key);
        return undefined;
      }
      return { fields, expiresAt: record.expiresAt, ...(record.slid !== undefined && { slid: record.slid }) };
    },
    create(key: SessionKey, fields: Readonly<SessionFields>, options: WriteOptions): Promise<boolean> {
      return store.create(key, seal(key, fields), options);
    },
    update(key: SessionKey, changes: SessionChangeSet, options: WriteOptions): Promise<boolean> {
      return store.update(key, { ...changes, set: seal(key, changes.set) }, options);
    },
    move(from: SessionKey, to: SessionKey, move: MoveSession, options: WriteOptions): Promise<boolean> {
      // Values are bound to their session key: the moved record is opened and sealed for the new one.
      return store.move(
        from,
        to,
        (sealed) => {
          const fields = open(from, sealed);
          if (!fields) {
            reportUnreadable(from);
            throw new Error('the session could not be decrypted with any TINA4_SESSION_SECRET');
          }
          return seal(to, move(fields));
        },
        options,
      );
    },
    touch: (key, options) => store.touch(key, options),
    destroy: (key) => store.destroy(key),
    ...(store.lock && { lock: store.lock.bind(store) }),
    close: () => store.close(),
  };
}

function deriveFieldKey(secret: string): FieldKey {
  const key = Buffer.from(hkdfSync('sha256', secret, 'tina4-session', 'session field encryption v1', 32));
  return { id: createHash('sha256').update(key).digest('base64url').slice(0, 8), key };
}

function associatedData(sessionKey: SessionKey, field: string): Buffer {
  return Buffer.from(`${sessionKey}\u0000${field}`);
}

function encrypt({ id, key }: FieldKey, sessionKey: SessionKey, field: string, text: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(associatedData(sessionKey, field));
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return `${FORMAT}.${id}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
}

function decrypt(
  keys: readonly FieldKey[],
  sessionKey: SessionKey,
  field: string,
  sealed: string,
): string | undefined {
  const [format, id, payload] = sealed.split('.');
  const fieldKey = keys.find((candidate) => candidate.id === id);
  if (format !== FORMAT || !fieldKey || payload === undefined) return undefined;
  const bytes = Buffer.from(payload, 'base64url');
  if (bytes.length < IV_BYTES + TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', fieldKey.key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(associatedData(sessionKey, field));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    return Buffer.concat([
      decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    return undefined;
  }
}
