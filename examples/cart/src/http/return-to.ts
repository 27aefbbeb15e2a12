/** Where a login goes when it has no page to return to. */
export const AFTER_LOGIN = '/dashboard';

const BASE = 'http://cart.invalid';
/** Pages that make no sense to come back to after logging in. */
const NOT_A_DESTINATION = new Set(['/login', '/logout']);

/**
 * The same-site path to send the shopper back to after logging in, from an untrusted `next`
 * value (a query parameter or form field), or `undefined`. Only a relative path of this site
 * passes: it must start with a single `/`, hold no backslash, whitespace or control character
 * (browsers and the URL parser quietly drop tabs and newlines, so `/\t/evil.example` would become
 * `//evil.example`), and still be a path of this origin once parsed. Protocol-relative
 * (`//evil.example`), absolute (`https:...`) and `javascript:` values are refused, so that the
 * login form cannot be turned into an open redirect.
 */
export function safeReturnPath(next: unknown): string | undefined {
  if (typeof next !== 'string' || next.length === 0 || next.length > 2000) return undefined;
  if (!next.startsWith('/') || next.startsWith('//')) return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  if (/[\\\s\u0000-\u001f\u007f]/.test(next)) return undefined;
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return undefined;
  }
  if (url.origin !== BASE || NOT_A_DESTINATION.has(url.pathname)) return undefined;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The login page, remembering `next` when it is a safe destination. */
export function loginPath(next: unknown): string {
  const path = safeReturnPath(next);
  return path === undefined ? '/login' : `/login?next=${encodeURIComponent(path)}`;
}
