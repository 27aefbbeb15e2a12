import { resolveSessionConfig, type SessionConfig, type SessionOptions } from './config/session-config.js';
import { parseCookies } from './cookies/cookie-options.js';
import { SessionCookieWriter } from './cookies/session-cookie.js';
import { Session, type SessionHost, sessionStateOf } from './session.js';
import { isWellFormedSessionId, sessionKeyOf } from './session-id.js';
import { SessionState } from './session-state.js';
import { createStore } from './store/create-store.js';
import type { SessionFields, SessionStore } from './store/session-store.js';
import { StoreHealth } from './store/store-health.js';

/** A lock outlives a crashed holder by at most this long. */
const MIN_LOCK_LEASE_MS = 30_000;

/**
 * Loads sessions for requests and commits their changes: the part every framework adapter shares.
 *
 * Per request: {@link load} (one store read, nothing for a visitor without a cookie), then the
 * handler, then {@link commit} before the headers go out (no write when nothing changed), then
 * {@link setCookieHeader} for the response and {@link release} when the response is done.
 */
export class SessionManager implements SessionHost {
  readonly config: SessionConfig;
  readonly store: SessionStore;
  readonly #health: StoreHealth;
  /** Touch a record's expiry at most this often; the cookie is re-sent with each touch. */
  readonly #touchIntervalMs: number;
  readonly #cookies: SessionCookieWriter;
  /** Keys of unreadable records already reported, so each is logged once. */
  readonly #unreadable = new Set<string>();

  constructor(config: SessionConfig, store: SessionStore) {
    this.config = config;
    this.store = store;
    this.#health = new StoreHealth(store.name, config.logger);
    this.#touchIntervalMs = Math.min(60_000, (config.ttlSeconds * 1000) / 10);
    this.#cookies = new SessionCookieWriter(config);
  }

  get maxBytes(): number {
    return this.config.maxBytes;
  }

  /**
   * The session of a request, from its `Cookie` header (or its cookies, already parsed), and
   * whether the request came over HTTPS (see {@link isHttpsRequest}). Rejects with a store or lock error.
   */
  async load(
    cookies: string | Record<string, string> | undefined,
    request: { readonly https?: boolean } = {},
  ): Promise<Session> {
    const id = this.sessionIdFrom(cookies);
    return id === undefined ? this.emptySession(request) : this.loadSession(id, request);
  }

  /**
   * The session of a well-formed id (see {@link sessionIdFrom}), for adapters that have checked the
   * cookie already. One store read; an unknown or expired id gives an empty session.
   */
  async loadSession(id: string, request: { readonly https?: boolean } = {}): Promise<Session> {
    const state = new SessionState();
    state.https = request.https ?? false;

    const key = sessionKeyOf(id);
    if (this.config.lock && this.store.lock) {
      const lock = this.store.lock.bind(this.store);
      const leaseMs = Math.max(MIN_LOCK_LEASE_MS, this.config.lockWaitMs * 2);
      state.releaseLock = await this.#health.run('lock a session', () =>
        lock(key, { waitMs: this.config.lockWaitMs, leaseMs }),
      );
    }
    try {
      const slide = { ttlSeconds: this.config.ttlSeconds, afterMs: this.#touchIntervalMs };
      const record = await this.#health.run('read a session', () => this.store.read(key, { slide }));
      const now = Date.now();
      // An unknown or expired id is never adopted: the session starts empty and gets a new id on first write.
      if (record && record.expiresAt > now && this.#isReadable(key, record.fields)) {
        state.adopt(id, key, record.fields);
        const refreshedAt = record.expiresAt - this.config.ttlSeconds * 1000;
        state.touchDue = !record.slid && now - refreshedAt >= this.#touchIntervalMs;
        // The expiry moved (in the read) or will (in the commit): the cookie moves with it. Decided
        // now because a handler may send the headers before the commit.
        if (record.slid || state.touchDue) state.cookie = 'issue';
      }
    } catch (error) {
      await this.release(state);
      throw error;
    }
    return new Session(state, this);
  }

  /**
   * The session id a request carries, if it has the shape of one this library issues; garbage never
   * reaches the store.
   */
  sessionIdFrom(cookies: string | Record<string, string> | undefined): string | undefined {
    const parsed = typeof cookies === 'object' ? cookies : parseCookies(cookies);
    const id = parsed[this.config.cookie.name];
    return isWellFormedSessionId(id) ? id : undefined;
  }

  /**
   * A new, empty session for a request without a usable session cookie. Synchronous: it touches no
   * store (the store sees the session only if the handler writes to it).
   */
  emptySession(request: { readonly https?: boolean } = {}): Session {
    const state = new SessionState();
    state.https = request.https ?? false;
    return new Session(state, this);
  }

  /** Persists what the session's request changed. Concurrent calls for one request run in turn. */
  commit(sessionOrState: Session | SessionState): Promise<void> {
    const state = sessionOrState instanceof SessionState ? sessionOrState : sessionStateOf(sessionOrState);
    const flush = (): Promise<void> => this.#flush(state);
    // The first commit of a request (nearly always the only one) starts at once; later ones queue.
    const next = state.commitTail ? state.commitTail.then(flush, flush) : flush();
    state.commitTail = next;
    return next;
  }

  /** The `Set-Cookie` value the response owes for the session cookie, if any. Call once, at header time. */
  setCookieHeader(session: Session): string | undefined {
    const state = sessionStateOf(session);
    if (state.cookie === 'none') return undefined;
    const header = this.cookieHeader(state);
    state.cookie = 'none';
    return header;
  }

  /** The session cookie for the state as it stands (an expiring one after `destroy()`). */
  cookieHeader(state: SessionState): string {
    const { secure } = this.config.cookie;
    const secureNow = secure === 'auto' ? state.https : secure;
    return state.id === undefined
      ? this.#cookies.expired(secureNow)
      : this.#cookies.live(state.id, secureNow);
  }

  /** Lets the next request of the session in (with `TINA4_SESSION_LOCK`). Safe to call twice. */
  async release(sessionOrState: Session | SessionState): Promise<void> {
    const state = sessionOrState instanceof SessionState ? sessionOrState : sessionStateOf(sessionOrState);
    const release = state.releaseLock;
    state.releaseLock = undefined;
    if (release) await release().catch((error: unknown) => this.#reportReleaseFailure(error));
  }

  close(): Promise<void> {
    return this.store.close();
  }

  async #flush(state: SessionState): Promise<void> {
    if (!state.hasPendingWork()) return;
    const { key, changes, touch, obsoleteKeys } = state.takePending();
    const ttl = this.config.ttlSeconds;
    if (key !== undefined && changes) {
      await this.#health.run('write a session', () => this.store.write(key, changes, ttl));
      state.stored = true;
      state.cookie = 'issue';
    } else if (key !== undefined && touch) {
      await this.#health.run('refresh a session', () => this.store.touch(key, ttl));
      state.cookie = 'issue';
    }
    // Old records go after the new one is safely written: a failed regenerate keeps the old session.
    for (const obsolete of obsoleteKeys) {
      await this.#health.run('delete a session', () => this.store.destroy(obsolete));
    }
  }

  /**
   * Whether every stored value is JSON. A record altered outside the library would otherwise fail
   * later, in `get()`, on every request of that session; it is treated as missing instead, once logged.
   */
  #isReadable(key: string, fields: SessionFields): boolean {
    for (const [name, text] of Object.entries(fields)) {
      try {
        JSON.parse(text);
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

  #reportReleaseFailure(error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.config.logger.warn(
      `[tina4-session] could not release a session lock (it expires by itself): ${reason}`,
    );
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
