import { parseCookie, stringifySetCookie } from 'cookie';

/** Options of `res.cookie(name, value, options)`, as Tina4 documents them. */
export interface CookieOptions {
  /** Lifetime in milliseconds; 0 deletes the cookie; omitted = a browser-session cookie. */
  maxAge?: number;
  /** Expiry date (`maxAge` is preferred: it does not depend on the client's clock). */
  expires?: Date;
  /** URL path scope (default `/`). */
  path?: string;
  /** Domain scope; `.example.com` includes subdomains. */
  domain?: string;
  /** Only sent over HTTPS. */
  secure?: boolean;
  /** Hidden from JavaScript. */
  httpOnly?: boolean;
  /** Strict, Lax or None, any case. */
  sameSite?: 'Strict' | 'Lax' | 'None' | 'strict' | 'lax' | 'none' | boolean;
}

/**
 * A `Set-Cookie` header value with Tina4's option semantics (`maxAge` in milliseconds, 0 deletes).
 * The value is percent-encoded where needed. Throws a `TypeError` for names, domains or paths that
 * cannot appear in a cookie.
 */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  const { maxAge, expires, sameSite, ...rest } = options;
  if (maxAge !== undefined && !Number.isFinite(maxAge)) {
    throw new TypeError(`Cookie "${name}": maxAge must be a finite number of milliseconds; got ${maxAge}.`);
  }
  const seconds = maxAge === undefined ? undefined : Math.max(0, Math.floor(maxAge / 1000));
  return stringifySetCookie(name, value, {
    path: '/',
    ...rest,
    ...(seconds !== undefined && { maxAge: seconds }),
    // Max-Age wins in every current browser; Expires is for the old ones, and a deleted
    // cookie gets a date in the past so that both kinds drop it.
    ...(seconds !== undefined
      ? { expires: seconds === 0 ? new Date(0) : new Date(Date.now() + seconds * 1000) }
      : expires && { expires }),
    ...(sameSite !== undefined && {
      sameSite:
        typeof sameSite === 'string' ? (sameSite.toLowerCase() as 'lax' | 'strict' | 'none') : sameSite,
    }),
  });
}

/**
 * The `Set-Cookie` value that deletes a cookie, by Express's rule for `res.clearCookie`: the same
 * scope (path `/` unless given, the domain if any), an empty value and an `Expires` in 1970;
 * `maxAge` and `expires` of the options are ignored. A cookie is only deleted with the path and
 * domain it was set with.
 */
export function serializeClearedCookie(name: string, options: CookieOptions = {}): string {
  const { maxAge: _maxAge, expires: _expires, ...scope } = options;
  return serializeCookie(name, '', { path: '/', ...scope, expires: new Date(1) });
}

/**
 * The cookies of a `Cookie` header, percent-decoded. Malformed pairs are skipped and never throw;
 * when a name repeats, the first one (the most specific path, as browsers order them) wins.
 */
export function parseCookies(header: string | undefined): Record<string, string> {
  if (!header) return Object.create(null);
  const parsed = parseCookie(header);
  const cookies: Record<string, string> = Object.create(null);
  for (const name in parsed) {
    const value = parsed[name];
    if (value !== undefined && name !== '') cookies[name] = value;
  }
  return cookies;
}
