/** One `Set-Cookie` line, split into its value and lower-cased attributes. */
export interface SetCookie {
  readonly name: string;
  readonly value: string;
  readonly attributes: Readonly<Record<string, string | true>>;
}

/** Parses a `Set-Cookie` header line. */
export function parseSetCookie(line: string): SetCookie {
  const [pair = '', ...parts] = line.split(';');
  const index = pair.indexOf('=');
  const attributes: Record<string, string | true> = {};
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq === -1) attributes[part.trim().toLowerCase()] = true;
    else attributes[part.slice(0, eq).trim().toLowerCase()] = part.slice(eq + 1).trim();
  }
  return { name: pair.slice(0, index).trim(), value: pair.slice(index + 1).trim(), attributes };
}

/** The cookie named `name` that a response sets, if any. */
export function setCookieOf(response: Response, name: string): SetCookie | undefined {
  return response.headers
    .getSetCookie()
    .map(parseSetCookie)
    .find((cookie) => cookie.name === name);
}

/** Whether a `Set-Cookie` tells the browser to delete the cookie (`Max-Age=0` or an `Expires` in the past). */
export function isExpiring(cookie: SetCookie): boolean {
  const { 'max-age': maxAge, expires } = cookie.attributes;
  if (maxAge !== undefined) return Number(maxAge) <= 0;
  return typeof expires === 'string' && Date.parse(expires) <= Date.now();
}
