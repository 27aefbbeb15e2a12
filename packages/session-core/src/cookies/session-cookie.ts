import type { SessionConfig } from '../config/session-config.js';
import { serializeCookie } from './cookie-options.js';

/**
 * Writes the session cookie's `Set-Cookie` values. Only the id and the expiry date change between
 * them, so the attributes are assembled once and the `Expires` date is formatted once per second:
 * this runs on every response that creates, changes or refreshes a session. The output is the same
 * as {@link serializeCookie} with the same options (a test compares them).
 */
export class SessionCookieWriter {
  readonly #ttlSeconds: number;
  readonly #namePrefix: string;
  readonly #liveAttributes: string;
  readonly #scope: string;
  readonly #flags: { readonly secure: string; readonly plain: string };
  readonly #expired: { readonly secure: string; readonly plain: string };
  #expiresSecond = Number.NaN;
  #expires = '';

  constructor(config: Pick<SessionConfig, 'cookie' | 'ttlSeconds'>) {
    const { name, path, domain, httpOnly, sameSite } = config.cookie;
    // Let the cookie library validate the name, path and domain once, with its own rules.
    serializeCookie(name, '', { path, ...(domain !== undefined && { domain }) });
    this.#ttlSeconds = config.ttlSeconds;
    this.#namePrefix = `${name}=`;
    this.#scope = `${domain === undefined ? '' : `; Domain=${domain}`}; Path=${path}`;
    this.#liveAttributes = `; Max-Age=${config.ttlSeconds}${this.#scope}`;
    const tail = (secure: boolean) =>
      `${httpOnly ? '; HttpOnly' : ''}${secure ? '; Secure' : ''}; SameSite=${sameSite}`;
    this.#flags = { secure: tail(true), plain: tail(false) };
    const expired = (secure: boolean) =>
      `${name}=; Max-Age=0${this.#scope}; Expires=Thu, 01 Jan 1970 00:00:00 GMT${tail(secure)}`;
    this.#expired = { secure: expired(true), plain: expired(false) };
  }

  /**
   * The cookie that carries `id` for the session's full TTL: the configured one, or `ttlSeconds`
   * for a session with a lifetime of its own (`session.setTtl()`).
   */
  live(id: string, secure: boolean, ttlSeconds?: number): string {
    const flags = secure ? this.#flags.secure : this.#flags.plain;
    if (ttlSeconds === undefined || ttlSeconds === this.#ttlSeconds) {
      return `${this.#namePrefix}${id}${this.#liveAttributes}; Expires=${this.#expiresDate()}${flags}`;
    }
    const expires = new Date(Date.now() + ttlSeconds * 1000).toUTCString();
    return `${this.#namePrefix}${id}; Max-Age=${ttlSeconds}${this.#scope}; Expires=${expires}${flags}`;
  }

  /** The cookie that makes the browser drop the session cookie. */
  expired(secure: boolean): string {
    return secure ? this.#expired.secure : this.#expired.plain;
  }

  #expiresDate(): string {
    const second = Math.floor(Date.now() / 1000);
    if (second !== this.#expiresSecond) {
      this.#expiresSecond = second;
      this.#expires = new Date((second + this.#ttlSeconds) * 1000).toUTCString();
    }
    return this.#expires;
  }
}
