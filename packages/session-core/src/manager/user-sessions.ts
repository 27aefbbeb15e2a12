import { SessionConfigError } from '../errors.js';
import { describeUserSession, type UserSession } from '../session/user-session.js';
import type { SessionKey, SessionStore } from '../store-kit/session-store.js';
import { USER_FIELD, userIdOfField, userKeyOf } from '../store-kit/user-binding.js';
import { supportsUserSessions, type UserSessionRecord } from '../store-kit/user-sessions.js';
import type { StoreHealth } from './store-health.js';

/** Sessions ended at once when revoking many: enough to overlap round trips, few enough to leave the pool to requests. */
const REVOKE_CONCURRENCY = 16;
/**
 * A listing reads every session of the user, not one record: it gets this many times the store's
 * deadline (`TINA4_SESSION_STORE_TIMEOUT`). Hundreds of sessions take a while on some engines
 * (Firebird fetches each row's data as a BLOB of its own).
 */
const LISTING_DEADLINES = 5;

/**
 * A user's sessions, through the store's user-sessions capability: listed (a record counts only
 * while its field still names the user, so an index that forgets lazily shows nothing stale) and
 * ended. Ending one is a `destroy` of its record, each with the store's deadline, like any write.
 */
export class UserSessions {
  readonly #store: SessionStore;
  readonly #health: StoreHealth;
  readonly #ttlSeconds: number;

  constructor(store: SessionStore, health: StoreHealth, ttlSeconds: number) {
    this.#store = store;
    this.#health = health;
    this.#ttlSeconds = ttlSeconds;
  }

  /** The live sessions of `userId`, most recently used first; `currentKey`'s is marked current. */
  async list(userId: string, currentKey?: SessionKey): Promise<UserSession[]> {
    const sessions = (await this.#records(userId)).map((record) =>
      describeUserSession(record, this.#ttlSeconds, currentKey),
    );
    return sessions.sort((a, b) => b.lastSeenAt.getTime() - a.lastSeenAt.getTime());
  }

  /**
   * Ends the live sessions of `userId` that `which` picks, except `keepKey`'s; resolves how many
   * ended. A session that ended meanwhile (logged out, regenerated) counts as ended too: its record
   * is gone either way.
   */
  async revoke(
    userId: string,
    which: (session: UserSession) => boolean,
    keepKey?: SessionKey,
  ): Promise<number> {
    const chosen = (await this.#records(userId)).filter(
      (record) => record.key !== keepKey && which(describeUserSession(record, this.#ttlSeconds, keepKey)),
    );
    const store = this.#store;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < chosen.length) {
        const { key } = chosen[next++]!;
        await this.#health.run('write a session', () => store.destroy(key));
      }
    };
    await Promise.all(Array.from({ length: Math.min(REVOKE_CONCURRENCY, chosen.length) }, worker));
    return chosen.length;
  }

  async #records(userId: string): Promise<UserSessionRecord[]> {
    const store = this.#store;
    if (!supportsUserSessions(store)) {
      throw new SessionConfigError(
        `Session store "${store.name}" cannot list or end a user's sessions: it lacks the user-sessions ` +
          'capability (listUserSessions). Use a store that has it: the file, memory, Redis, Valkey, MongoDB ' +
          'and SQL stores of @tina4/session-* do.',
      );
    }
    const health = this.#health;
    const records = await health.run(
      "list a user's sessions",
      () => store.listUserSessions(userKeyOf(userId)),
      health.timeoutMs * (LISTING_DEADLINES - 1),
    );
    const now = Date.now();
    return records.filter(
      (record) => record.expiresAt > now && userIdOfField(record.fields[USER_FIELD]) === userId,
    );
  }
}
