import { resolveSessionConfig, type SessionConfig, type SessionOptions } from '../config/session-config.js';
import { SessionCookieWriter } from '../cookies/session-cookie.js';
import { isWellFormedSessionId } from '../session/session-id.js';
import type { UserSession } from '../session/user-session.js';
import type { ReadOptions, SessionFields, SessionStore } from '../store-kit/session-store.js';
import { createStore } from './create-store.js';
import { StoreHealth } from './store-health.js';
import { UserSessions } from './user-sessions.js';

/** A lock outlives a crashed holder by at most this long. */
const MIN_LOCK_LEASE_MS = 30_000;

/** Session cookies of one request tried at most (each well-formed one costs a read). */
const MAX_ID_CANDIDATES = 3;

function unquote(value: string | undefined): string | undefined {
  return value !== undefined && value.length >= 2 && value.startsWith('"') && value.endsWith('"')
    ? value.slice(1, -1)
    : value;
}

/**
 * What every request of an app shares: the resolved configuration, the store (behind a deadline
 * and outage reporting: {@link health}), and the session cookie's writer. Each request's own
 * lifecycle is a `RequestSession`.
 */
export class SessionManager {
  readonly config: SessionConfig;
  readonly store: SessionStore;
  readonly health: StoreHealth;
  readonly cookies: SessionCookieWriter;
  /** Touch a record's expiry at most this often; the cookie is re-sent with each touch. */
  readonly touchIntervalMs: number;
  /** What every read passes the store (the same object each time: one allocation less per request). */
  readonly readOptions: ReadOptions;
  /** How long a session lock lives if its holder never releases it. */
  readonly lockLeaseMs: number;
  /** Keys of unreadable records already reported, so each is logged once. */
  readonly #unreadable = new Set<string>();
  /** @internal Users' sessions, for requests (`req.session.userSessions()`); apps use {@link listUser} and {@link revokeUser}. */
  readonly users: UserSessions;

  constructor(config: SessionConfig, store: SessionStore) {
    this.config = config;
    this.store = store;
    this.health = new StoreHealth(store.name, config.logger, config.storeTimeoutMs, store.location);
    this.touchIntervalMs = Math.min(60_000, (config.ttlSeconds * 1000) / 10);
    this.readOptions = Object.freeze({
      slide: Object.freeze({ ttlSeconds: config.ttlSeconds, afterMs: this.touchIntervalMs }),
    });
    this.lockLeaseMs = Math.max(MIN_LOCK_LEASE_MS, config.lockWaitMs * 2);
    this.cookies = new SessionCookieWriter(config);
    this.users = new UserSessions(store, this.health, config.ttlSeconds);
  }

  /**
   * The live sessions of the user with this id (see `session.setUser`), most recently used first,
   * without a request: for an admin page or a job. `current` is false in every one.
   *
   * @throws {@link SessionConfigError} when the store cannot list a user's sessions.
   * @throws {@link SessionStoreUnavailableError} when the store fails or does not answer in time.
   */
  listUser(userId: string | number): Promise<UserSession[]> {
    return this.users.list(String(userId));
  }

  /**
   * Ends every session of the user with this id, without a request: after a password reset, from a
   * job or the command line. Each session's record is destroyed, so a request of it still in
   * flight changes nothing and its cookie no longer resolves. Resolves how many sessions ended.
   *
   * @throws {@link SessionConfigError} when the store cannot list a user's sessions.
   * @throws {@link SessionStoreUnavailableError} when the store fails or does not answer in time
   *   (the sessions ended before the failure stay ended; calling it again ends the rest).
   */
  revokeUser(userId: string | number): Promise<number> {
    return this.users.revoke(String(userId), () => true);
  }

  /**
   * The session ids a request carries, in the order the browser sent them, keeping only values with
   * the shape of an id this library issues (garbage never reaches the store). A browser sends
   * several cookies of one name when another site of the domain planted one (a sibling subdomain,
   * a more specific path): each is a candidate, so a planted cookie cannot log the user out. A value
   * in double quotes (allowed by RFC 6265) counts without them. At most {@link MAX_ID_CANDIDATES}.
   */
  sessionIdsFrom(cookies: string | Record<string, string> | undefined): string[] {
    if (cookies === undefined) return [];
    if (typeof cookies === 'object') {
      const id = unquote(cookies[this.config.cookie.name]);
      return isWellFormedSessionId(id) ? [id] : [];
    }
    const ids: string[] = [];
    const name = this.config.cookie.name;
    // Only the session cookie is looked for; the header's other cookies are not parsed here.
    for (let start = 0; start < cookies.length && ids.length < MAX_ID_CANDIDATES; ) {
      const end = cookies.indexOf(';', start);
      const pair = cookies.slice(start, end === -1 ? cookies.length : end);
      start = end === -1 ? cookies.length : end + 1;
      const equals = pair.indexOf('=');
      if (equals === -1 || pair.slice(0, equals).trim() !== name) continue;
      const id = unquote(pair.slice(equals + 1).trim());
      if (isWellFormedSessionId(id) && !ids.includes(id)) ids.push(id);
    }
    return ids;
  }

  /**
   * Whether every stored value is JSON. A record altered outside the library would otherwise fail
   * later, in `get()`, on every request of that session; it is treated as missing instead, once logged.
   */
  isReadable(key: string, fields: SessionFields): boolean {
    for (const name of Object.keys(fields)) {
      try {
        JSON.parse(fields[name]!);
      } catch {
        if (!this.#unreadable.has(key)) {
          this.#unreadable.add(key);
          this.config.logger.warn(
            `[tina4-session] a session in store "${this.store.name}" holds a value that is not JSON (field "${name}"); ` +
              'it is treated as missing and the visitor gets a new session.',
          );
        }
        return false;
      }
    }
    return true;
  }

  /**
   * Checks once that the store answers (see `SessionStore.ping`): a store that does not is reported
   * now, with where it is and why, rather than at the first request that needs it. Rejects only
   * with `TINA4_SESSION_REQUIRE_STORE`; otherwise the app starts and requests get 503s until the
   * store answers.
   */
  async checkStore(): Promise<void> {
    const { store } = this;
    if (!store.ping) return;
    try {
      await this.health.run('answer at start-up', () => store.ping!());
    } catch (error) {
      if (this.config.requireStore) throw error;
    }
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

/**
 * Resolves the configuration (environment, `.env`, code options), creates or imports the store and
 * returns the manager that framework adapters use. Configuration errors are thrown here, at start-up.
 */
export async function createSessionManager(options: SessionOptions = {}): Promise<SessionManager> {
  const config = resolveSessionConfig(options);
  return new SessionManager(config, await createStore(config));
}
