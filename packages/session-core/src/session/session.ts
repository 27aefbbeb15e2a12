import { SessionTooLargeError } from '../errors.js';
import { USER_FIELD, userIdOfField } from '../store-kit/user-binding.js';
import { assertJsonSerialisable, type JsonValue } from './json-value.js';
import { generateSessionId, sessionKeyOf } from './session-id.js';
import { type SessionState, TTL_FIELD } from './session-state.js';
import { DEVICE_FIELD, SINCE_FIELD, sessionHandleOf, type UserSession } from './user-session.js';

/** Stored flash values share the record with data, under this reserved prefix. */
const FLASH_PREFIX = '__flash:';
/** The library's own fields (a session's lifetime) share the record too, under this prefix. */
const OWN_PREFIX = '__tina4:';
/** Browsers cap a cookie's lifetime at 400 days: a longer session could not keep its cookie. */
const MAX_TTL_SECONDS = 400 * 24 * 3600;
/** Longest user id `setUser` takes: ids are keys, not documents. */
const MAX_USER_ID_LENGTH = 256;
/** Longest device description `setDevice` keeps (longer ones are cut). */
const MAX_DEVICE_LENGTH = 100;

/** Whether a stored field is data (not a flash value, nor the library's own). */
const isData = (field: string): boolean => !field.startsWith(FLASH_PREFIX) && !field.startsWith(OWN_PREFIX);

/**
 * Your app's session data, declared once, app-wide, by declaration merging (as with express-session
 * and @fastify/session), after which `req.session.get`/`set` are checked in every handler:
 *
 * ```ts
 * declare module '@tina4/session-core' {
 *   interface SessionData {
 *     user_id: number;
 *     cart: { product_id: number; quantity: number }[];
 *   }
 * }
 * ```
 *
 * Left empty, a session is loose: any key holds any JSON value (the chapter's
 * `req.session.get('visit_count', 0) + 1` compiles). `set` refuses values that are not JSON at run
 * time either way.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the app (declaration merging).
export interface SessionData {}

/** The data of `req.session`: the app's {@link SessionData} once it declares any key, else any key and value. */
export type DeclaredSessionData = keyof SessionData extends never
  ? // biome-ignore lint/suspicious/noExplicitAny: an app that declares nothing gets the loose, untyped session.
    Record<string, any>
  : SessionData;

/** What a {@link Session} needs from the request that loaded it. */
export interface SessionHost {
  readonly maxBytes: number;
  /** The configured lifetime (`TINA4_SESSION_TTL`), for sessions without one of their own. */
  readonly ttlSeconds: number;
  /** Writes the changes so far. */
  save(): Promise<void>;
  /** The `Set-Cookie` value for the session as it stands. */
  cookieHeader(): string;
  /** Saves, then lets the next request of the session in (`TINA4_SESSION_LOCK`). */
  unlock(): Promise<void>;
  /** Saves, then lists the live sessions bound to `userId`, this one marked `current`. */
  userSessions(userId: string): Promise<UserSession[]>;
  /** Saves, then ends the sessions of `userId` that `which` picks, never this one; resolves how many ended. */
  revokeUserSessions(userId: string, which: (session: UserSession) => boolean): Promise<number>;
}

/**
 * One browser's server-side state, as `req.session`. Reads and writes are synchronous; changes are
 * recorded and persisted by {@link Session.save}, which runs automatically before the response's
 * headers go out. Declare the data's shape to type `get` and `set`:
 *
 * ```ts
 * type Cart = { cart: { product_id: number; quantity: number }[] };
 * const session = req.session as Session<Cart>;
 * ```
 */
export class Session<Data extends object = DeclaredSessionData> {
  readonly #state: SessionState;
  readonly #host: SessionHost;

  /** @internal Sessions are created by the core for each request. */
  constructor(state: SessionState, host: SessionHost) {
    this.#state = state;
    this.#host = host;
  }

  /**
   * Stores `value` under `key`. Throws a `TypeError` that names the key and the offending part of
   * the value when it is not JSON (Date, Map, Set, class instances, BigInt, functions, cycles,
   * `undefined`), and a {@link SessionTooLargeError} above `TINA4_SESSION_MAX_BYTES`; a call that
   * throws changes nothing. After `destroy()`, it starts a new session with a new id.
   */
  set<K extends keyof Data & string>(key: K, value: Data[K]): this {
    assertDataKey(key);
    this.#write(key, key, value);
    return this;
  }

  /**
   * A copy of the value stored under `key`, or `defaultValue` when the key is absent (stored
   * `false`, `0`, `""` and `null` are returned as stored). Changing the copy changes nothing: `set`
   * it back.
   */
  get<K extends keyof Data & string>(key: K): Data[K] | undefined;
  get<K extends keyof Data & string, D>(key: K, defaultValue: D): Data[K] | D;
  get(key: string, defaultValue?: unknown): unknown {
    if (!isData(key)) return defaultValue;
    const text = this.#state.fields.get(key);
    return text === undefined ? defaultValue : JSON.parse(text);
  }

  /** Whether `key` holds a value (flash values are not data). */
  has(key: keyof Data & string): boolean {
    return isData(key) && this.#state.fields.has(key);
  }

  /** Removes `key`. Returns whether it was there. */
  delete(key: keyof Data & string): boolean {
    if (!isData(key)) return false;
    return this.#state.deleteField(key);
  }

  /** Removes all data and flash values; the session and its id stay. */
  clear(): void {
    this.#state.clearFields();
  }

  /**
   * Ends the session: its record is deleted (a slower request of the same browser cannot bring it
   * back) and the browser receives an expiring cookie. `getSessionId()` answers `null` from now
   * on; a later `set()` starts a fresh session with a new id.
   */
  destroy(): void {
    this.#state.forget();
  }

  /**
   * Gives the session a new id and returns it; the data stays, and the old id stops resolving.
   * Call it on login to defeat session fixation. The record moves at the commit, as it is stored
   * then (changes that other requests made meanwhile included); if another request destroyed or
   * regenerated it first, this request's session ends instead. A session with no data gets its
   * new id, but nothing is stored and no cookie sent until it holds something.
   */
  regenerate(): string {
    const id = generateSessionId();
    const key = sessionKeyOf(id);
    if (this.#state.id === undefined) this.#state.assignId(id, key);
    else this.#state.moveTo(id, key);
    return id;
  }

  /**
   * Persists the changes now. It also runs automatically before the response's headers are sent;
   * calling it more than once is harmless. Changes that could not be written (the store failed)
   * are kept, and written by the next `save()` or the automatic one.
   */
  save(): Promise<void> {
    return this.#host.save();
  }

  /**
   * With `TINA4_SESSION_LOCK`: saves the changes so far, then lets the next request of this
   * session in. Call it before a long response (server-sent events, a large download) so that the
   * browser's other requests do not wait for it. Changes made after it are still saved, without
   * the lock's protection. Without the lock, it is `save()`.
   */
  unlock(): Promise<void> {
    return this.#host.unlock();
  }

  /**
   * Gives this session a lifetime of its own, in seconds, from now on: the store's expiry and the
   * cookie's `Max-Age` both follow it, on this request and every later one (a "remember me" login:
   * `setTtl(30 * 24 * 3600)`). At most 400 days, the longest a browser keeps a cookie. Kept with
   * the session (`regenerate()` keeps it; `clear()` and `destroy()` end it).
   */
  setTtl(seconds: number): this {
    if (!Number.isSafeInteger(seconds) || seconds < 1 || seconds > MAX_TTL_SECONDS) {
      throw new TypeError(
        `setTtl(${seconds}): give a whole number of seconds from 1 to ${MAX_TTL_SECONDS} (400 days).`,
      );
    }
    this.#write('ttl', TTL_FIELD, seconds);
    return this;
  }

  /** The session's lifetime in seconds: its own (`setTtl()`), else the configured `TINA4_SESSION_TTL`. */
  getTtl(): number {
    return this.#state.ownTtlSeconds ?? this.#host.ttlSeconds;
  }

  /**
   * Binds the session to a user, by the user's id: call it at login, after `regenerate()`. The
   * user's sessions can then be listed and ended, from any of them ({@link userSessions},
   * {@link revokeOtherSessions}) or without a request (`SessionManager.listUser`, `revokeUser`).
   * `regenerate()` keeps the binding; `destroy()`, `clear()` and `setUser(null)` end it. Numbers
   * are kept as their text (`42` and `'42'` are one user).
   */
  setUser(userId: string | number | null): this {
    if (userId === null) {
      this.#state.deleteField(USER_FIELD);
      this.#state.deleteField(SINCE_FIELD);
      return this;
    }
    const id = typeof userId === 'number' && Number.isFinite(userId) ? String(userId) : userId;
    if (typeof id !== 'string' || id === '' || id.length > MAX_USER_ID_LENGTH || LONE_SURROGATE.test(id)) {
      throw new TypeError(
        `setUser(${JSON.stringify(userId) ?? String(userId)}): give the user's id, a non-empty string or a number ` +
          `of at most ${MAX_USER_ID_LENGTH} characters.`,
      );
    }
    if (this.getUser() === id) return this;
    this.#write('user', USER_FIELD, id);
    this.#write('user', SINCE_FIELD, Date.now());
    return this;
  }

  /** The id of the user the session is bound to ({@link setUser}), or undefined. */
  getUser(): string | undefined {
    return userIdOfField(this.#state.fields.get(USER_FIELD));
  }

  /**
   * Describes the device for the user's list of sessions ("Firefox on Linux"); `describeUserAgent`
   * makes one from the `User-Agent` header. Whitespace is collapsed and the text cut at 100
   * characters; null or an empty text removes it. Setting the same text again writes nothing.
   */
  setDevice(description: string | null | undefined): this {
    const text = typeof description === 'string' ? description.replace(/\s+/g, ' ').trim() : '';
    const kept = [...text].slice(0, MAX_DEVICE_LENGTH).join('');
    if (kept === '') {
      this.#state.deleteField(DEVICE_FIELD);
      return this;
    }
    if (this.#state.fields.get(DEVICE_FIELD) !== JSON.stringify(kept))
      this.#write('device', DEVICE_FIELD, kept);
    return this;
  }

  /**
   * The live sessions of the user this session is bound to, most recently used first, this one
   * marked `current`. Saves this session's changes first, so that it is listed as it stands. Throws
   * a `TypeError` when the session is bound to nobody ({@link setUser}), and a `SessionConfigError`
   * when the store cannot list a user's sessions.
   */
  async userSessions(): Promise<UserSession[]> {
    return this.#host.userSessions(this.#boundUser('userSessions'));
  }

  /**
   * Ends one of the user's sessions, named by its `handle` (from {@link userSessions}); resolves
   * whether a live session of this user had it. The current session's handle ends this session, as
   * {@link destroy} does. An ended session stays ended, even with a request of it in flight.
   */
  async revokeSession(handle: string): Promise<boolean> {
    const user = this.#boundUser('revokeSession');
    const key = this.#state.stored ? this.#state.key : undefined;
    if (key !== undefined && handle === sessionHandleOf(key)) {
      this.destroy();
      return true;
    }
    return (await this.#host.revokeUserSessions(user, (session) => session.handle === handle)) > 0;
  }

  /** Ends every session of the user but this one ("sign out everywhere else"); resolves how many ended. */
  async revokeOtherSessions(): Promise<number> {
    return this.#host.revokeUserSessions(this.#boundUser('revokeOtherSessions'), () => true);
  }

  /** Ends every session of the user, this one too (as {@link destroy} does); resolves how many ended. */
  async revokeAllSessions(): Promise<number> {
    const others = await this.revokeOtherSessions();
    this.destroy();
    return others + 1;
  }

  /** Sets a flash value: kept until it is read once, across requests (e.g. before a redirect). */
  flash(key: string, value: Exclude<JsonValue, null>): void;
  /** Reads a flash value and removes it; `undefined` when there is none. `flash(key, null)` reads too, as in Tina4. */
  flash<T extends JsonValue = JsonValue>(key: string, value?: null): T | undefined;
  /** Sets `value`, or reads when it is `null`. */
  flash(key: string, value: JsonValue): unknown;
  flash(key: string, value?: JsonValue): unknown {
    assertWellFormedKey(key);
    if (value !== undefined && value !== null) {
      this.#write(key, FLASH_PREFIX + key, value);
      return undefined;
    }
    return this.getFlash(key);
  }

  /** Reads a flash value and removes it, or returns `defaultValue` when there is none. */
  getFlash<T extends JsonValue = JsonValue>(key: string): T | undefined;
  getFlash<T extends JsonValue, D>(key: string, defaultValue: D): T | D;
  getFlash(key: string, defaultValue?: unknown): unknown {
    const field = FLASH_PREFIX + key;
    const text = this.#state.fields.get(field);
    if (text === undefined) return defaultValue;
    this.#state.deleteField(field);
    return JSON.parse(text);
  }

  /**
   * The session id. A session without one gets it now, and is then stored (with or without data)
   * and sent to the browser, so that the id stays valid. After `destroy()`: `null`, and nothing is
   * created. To look at the id without creating a session, read {@link id}.
   */
  getSessionId(): string | null {
    if (this.#state.destroyed) return null;
    this.#ensureId();
    this.#state.materialize();
    return this.#state.id!;
  }

  /** The current id, or `null` when the session has none yet (or was destroyed). Creates nothing. */
  get id(): string | null {
    return this.#state.id ?? null;
  }

  /**
   * This session's handle, as {@link userSessions} lists it (after a `regenerate()`, the handle the
   * new id will be listed under), or `null` without an id: for linking records of the app's own (a
   * remember-me token, an audit line) to a session that may later be revoked. Reveals nothing of the id.
   */
  get handle(): string | null {
    const key = this.#state.key;
    return key === undefined ? null : sessionHandleOf(key);
  }

  /**
   * The `Set-Cookie` header value for this session as it stands now: after `destroy()`, the
   * expiring cookie; otherwise the session cookie (a session without an id gets one, as with
   * {@link getSessionId}).
   */
  cookieHeader(): string {
    if (!this.#state.destroyed) this.getSessionId();
    return this.#host.cookieHeader();
  }

  /** The data as a plain object (flash values excluded). */
  all(): Partial<Data> {
    const data: Record<string, unknown> = {};
    for (const [name, text] of this.#state.fields) {
      if (isData(name)) data[name] = JSON.parse(text);
    }
    return data as Partial<Data>;
  }

  #write(key: string, field: string, value: unknown): void {
    assertJsonSerialisable(key, value);
    const text = JSON.stringify(value);
    const bytes = this.#state.bytesWith(field, text);
    // Only growth is refused: a session already over the limit (a lower limit, a concurrent
    // request's additions) can still be changed in place or made smaller.
    if (bytes > this.#host.maxBytes && bytes > this.#state.bytes) {
      throw new SessionTooLargeError(key, bytes, this.#host.maxBytes);
    }
    this.#ensureId();
    this.#state.setField(field, text);
  }

  #boundUser(method: string): string {
    const user = this.getUser();
    if (user === undefined) {
      throw new TypeError(
        `${method}(): this session is bound to no user. Call req.session.setUser(id) at login first.`,
      );
    }
    return user;
  }

  #ensureId(): void {
    if (this.#state.id !== undefined) return;
    const id = generateSessionId();
    this.#state.assignId(id, sessionKeyOf(id));
  }
}

/** A UTF-16 surrogate without its other half: not a character, and not the same text in every store. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function assertWellFormedKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key === '') {
    throw new TypeError(`Session keys must be non-empty strings; got ${JSON.stringify(key) ?? String(key)}.`);
  }
  if (LONE_SURROGATE.test(key)) {
    throw new TypeError(
      `Session key ${JSON.stringify(key)} holds an unpaired UTF-16 surrogate, which stores cannot keep as it is ` +
        '(two such keys could become one). Use a key of whole characters (String.prototype.toWellFormed() fixes one).',
    );
  }
}

function assertDataKey(key: unknown): asserts key is string {
  assertWellFormedKey(key);
  if (key.startsWith(FLASH_PREFIX)) {
    throw new TypeError(
      `Session key "${key}" starts with "${FLASH_PREFIX}", which is reserved for flash values. Use flash() instead.`,
    );
  }
  if (key.startsWith(OWN_PREFIX)) {
    throw new TypeError(
      `Session key "${key}" starts with "${OWN_PREFIX}", which is reserved for the library's own fields.`,
    );
  }
  if (key === '__proto__') {
    throw new TypeError(
      'Session key "__proto__" is not allowed: it cannot round-trip through plain objects. Pick another name.',
    );
  }
}
