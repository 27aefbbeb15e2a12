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
import { supportsUserSessions } from '../store-kit/user-sessions.js';
import {
  indexedUserKeys,
  openUserSessions,
  withClearUser,
  withClearUserChange,
  withoutClearUser,
} from './clear-user-field.js';
import { deriveFieldKey } from './field-cipher.js';
import { RecordSealer } from './sealed-record.js';

/** A touch: no field changes, only the sealed expiry. */
const NO_CHANGES: SessionChangeSet = { replace: false, set: {}, delete: [] };

/**
 * Wraps a store so that sessions are encrypted at rest with AES-256-GCM (`TINA4_SESSION_SECRET`).
 * The first secret encrypts; every secret decrypts, so secrets can be rotated by putting the new one
 * first. What the store holds shows no field name and no value; each value is bound to its session
 * and field, and the record's expiry is sealed with it, so that extending the expiry in the store
 * does not keep a session alive. A session whose fields no listed secret can open (a retired
 * secret, tampering) is treated as missing and logged once per process and session. The threat
 * model, with what a writer to the store can still do, is in the README ("Encryption at rest").
 */
export function encryptStore(
  store: SessionStore,
  secrets: readonly string[],
  logger: SessionLogger,
): SessionStore {
  if (secrets.length === 0) throw new TypeError('encryptStore needs at least one secret.');
  const keys = secrets.map(deriveFieldKey);
  const writer = keys[0]!;
  const sealer = new RecordSealer(keys);
  const expiryOf = (options: WriteOptions) => Date.now() + options.ttlSeconds * 1000;
  const reported = new Set<string>();

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
    // No sliding inside the read: the sealed expiry moves only with a write, so the core refreshes
    // the record with a touch (which rewrites the seal) when it is due.
    async read(key): Promise<StoredSession | undefined> {
      const record = await store.read(key);
      if (!record) return undefined;
      const opened = sealer.open(key, withoutClearUser(record.fields));
      if (!opened) {
        reportUnreadable(key);
        return undefined;
      }
      const expiresAt = Math.min(record.expiresAt, opened.expiresAt);
      return expiresAt > Date.now() ? { fields: opened.fields, expiresAt } : undefined;
    },
    create(key: SessionKey, fields: Readonly<SessionFields>, options: WriteOptions): Promise<boolean> {
      return store.create(
        key,
        withClearUser(writer, fields, sealer.seal(key, fields, expiryOf(options))),
        options,
      );
    },
    update(key: SessionKey, changes: SessionChangeSet, options: WriteOptions): Promise<boolean> {
      return store.update(
        key,
        withClearUserChange(writer, changes, sealer.sealChanges(key, changes, expiryOf(options))),
        options,
      );
    },
    move(from: SessionKey, to: SessionKey, move: MoveSession, options: WriteOptions): Promise<boolean> {
      // Names and values are bound to their session key: the record is opened and sealed for the new one.
      return store.move(
        from,
        to,
        (sealed) => {
          const opened = sealer.open(from, withoutClearUser(sealed));
          if (!opened) {
            reportUnreadable(from);
            throw new Error('the session could not be decrypted with any TINA4_SESSION_SECRET');
          }
          const fields = move(opened.fields);
          return withClearUser(writer, fields, sealer.seal(to, fields, expiryOf(options)));
        },
        options,
      );
    },
    touch: (key, options) =>
      store.update(key, sealer.sealChanges(key, NO_CHANGES, expiryOf(options)), options),
    destroy: (key) => store.destroy(key),
    ...(store.lock && { lock: store.lock.bind(store) }),
    // A user's sessions: found by the clear copy of the binding (one per secret), opened like any read.
    ...(supportsUserSessions(store) && {
      listUserSessions: async (user: string) =>
        openUserSessions(
          await Promise.all(indexedUserKeys(keys, user).map((indexed) => store.listUserSessions(indexed))),
          (key, sealed) => {
            const opened = sealer.open(key, sealed);
            if (!opened) reportUnreadable(key);
            return opened && { key, ...opened };
          },
        ),
    }),
    // Counting and purging read expiries only, which the store keeps in clear.
    ...(store.count && { count: store.count.bind(store) }),
    ...(store.purgeExpired && { purgeExpired: store.purgeExpired.bind(store) }),
    close: () => store.close(),
  };
}
