import { SessionTooLargeError } from './errors.js';
import { assertJsonSerialisable, type JsonValue } from './json-value.js';
import { generateSessionId, sessionKeyOf } from './session-id.js';
import type { SessionState } from './session-state.js';

/** Stored flash values share the record with data, under this reserved prefix. */
const FLASH_PREFIX = '__flash:';

/**
 * The data shape of an untyped session: any key, values as loose as in JavaScript (the chapter's
 * `req.session.get('visit_count', 0) + 1` compiles). Declare `Session<YourData>` for checked types;
 * `set` still refuses values that are not JSON at run time either way.
 */
// biome-ignore lint/suspicious/noExplicitAny: untyped sessions are deliberately loose; typed ones use Session<Data>.
export type SessionData = Record<string, any>;

/** What a {@link Session} needs from the code that loaded it. */
export interface SessionHost {
  readonly maxBytes: number;
  commit(state: SessionState): Promise<void>;
  cookieHeader(state: SessionState): string;
}

let stateOf: (session: Session<never>) => SessionState;

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
export class Session<Data extends object = SessionData> {
  readonly #state: SessionState;
  readonly #host: SessionHost;

  static {
    stateOf = (session) => session.#state;
  }

  /** @internal Sessions are created by the session manager. */
  constructor(state: SessionState, host: SessionHost) {
    this.#state = state;
    this.#host = host;
  }

  /**
   * Stores `value` under `key`. Throws a `TypeError` that names the key and the offending part of
   * the value when it is not JSON (Date, Map, Set, class instances, BigInt, functions, cycles,
   * `undefined`), and a {@link SessionTooLargeError} above `TINA4_SESSION_MAX_BYTES`; a call that
   * throws changes nothing.
   */
  set<K extends keyof Data & string>(key: K, value: Data[K]): this {
    assertDataKey(key);
    this.#write(key, key, value);
    return this;
  }

  /** The value stored under `key`, or `defaultValue` when the key is absent (stored `false`, `0`, `""` and `null` are returned as stored). */
  get<K extends keyof Data & string>(key: K): Data[K] | undefined;
  get<K extends keyof Data & string, D>(key: K, defaultValue: D): Data[K] | D;
  get(key: string, defaultValue?: unknown): unknown {
    if (key.startsWith(FLASH_PREFIX)) return defaultValue;
    const text = this.#state.fields.get(key);
    return text === undefined ? defaultValue : JSON.parse(text);
  }

  /** Whether `key` holds a value (flash values are not data). */
  has(key: keyof Data & string): boolean {
    return !key.startsWith(FLASH_PREFIX) && this.#state.fields.has(key);
  }

  /** Removes `key`. Returns whether it was there. */
  delete(key: keyof Data & string): boolean {
    if (key.startsWith(FLASH_PREFIX)) return false;
    return this.#state.deleteField(key);
  }

  /** Removes all data and flash values; the session and its id stay. */
  clear(): void {
    this.#state.clearFields();
  }

  /**
   * Ends the session: its record is deleted and the browser receives an expiring cookie. A later
   * `set()` starts a fresh session with a new id.
   */
  destroy(): void {
    this.#state.forget();
  }

  /**
   * Issues a new id, keeps the data and deletes the record under the old id, which then no longer
   * resolves. Call it on login to defeat session fixation.
   */
  regenerate(): void {
    const id = generateSessionId();
    this.#state.moveTo(id, sessionKeyOf(id));
  }

  /**
   * Persists the changes now. It also runs automatically before the response's headers are sent;
   * calling it more than once is harmless.
   */
  save(): Promise<void> {
    return this.#host.commit(this.#state);
  }

  /** Sets a flash value: kept until it is read once, across requests (e.g. before a redirect). */
  flash(key: string, value: JsonValue): void;
  /** Reads a flash value and removes it; `undefined` when there is none. */
  flash<T extends JsonValue = JsonValue>(key: string): T | undefined;
  flash(key: string, ...value: [JsonValue?]): unknown {
    if (value.length > 0) {
      this.#write(key, FLASH_PREFIX + key, value[0]);
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

  /** The session id, issuing one (and so a cookie and a record) if the session has none yet. */
  getSessionId(): string {
    return this.#ensureId();
  }

  /** The `Set-Cookie` header value for this session as it stands now. */
  cookieHeader(): string {
    if (this.#state.id === undefined && this.#state.cookie !== 'expire') this.#ensureId();
    return this.#host.cookieHeader(this.#state);
  }

  /** The data as a plain object (flash values excluded). */
  all(): Partial<Data> {
    const data: Record<string, unknown> = {};
    for (const [name, text] of this.#state.fields) {
      if (!name.startsWith(FLASH_PREFIX)) data[name] = JSON.parse(text);
    }
    return data as Partial<Data>;
  }

  #write(key: string, field: string, value: unknown): void {
    assertJsonSerialisable(key, value);
    const text = JSON.stringify(value);
    const bytes = this.#state.bytesWith(field, text);
    if (bytes > this.#host.maxBytes) throw new SessionTooLargeError(key, bytes, this.#host.maxBytes);
    this.#ensureId();
    this.#state.setField(field, text);
  }

  #ensureId(): string {
    if (this.#state.id === undefined) {
      const id = generateSessionId();
      this.#state.assignId(id, sessionKeyOf(id));
    }
    return this.#state.id!;
  }
}

/** @internal The state behind a session, for the manager and adapters. */
export function sessionStateOf(session: Session<never> | Session): SessionState {
  return stateOf(session as Session<never>);
}

function assertDataKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key === '') {
    throw new TypeError(`Session keys must be non-empty strings; got ${JSON.stringify(key) ?? String(key)}.`);
  }
  if (key.startsWith(FLASH_PREFIX)) {
    throw new TypeError(
      `Session key "${key}" starts with "${FLASH_PREFIX}", which is reserved for flash values. Use flash() instead.`,
    );
  }
  if (key === '__proto__') {
    throw new TypeError(
      'Session key "__proto__" is not allowed: it cannot round-trip through plain objects. Pick another name.',
    );
  }
}
