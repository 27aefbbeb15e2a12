/** Small helpers for talking to the apps under test with `fetch`, the way a browser with a cookie jar would. */

/** The session cookie's name unless a test configures another one. */
export const SESSION_COOKIE = 'tina4_session';

/** The `name=value` pair of the cookie `name` that a response sets, if it sets one. */
export function cookieSetBy(response: Response, name = SESSION_COOKIE): string | undefined {
  for (const header of response.headers.getSetCookie()) {
    const pair = header.split(';', 1)[0]!;
    if (pair.startsWith(`${name}=`)) return pair;
  }
  return undefined;
}

/** The full `Set-Cookie` header for cookie `name`, with its attributes. */
export function setCookieHeader(response: Response, name = SESSION_COOKIE): string | undefined {
  return response.headers.getSetCookie().find((header) => header.startsWith(`${name}=`));
}

/** The session id in a `name=value` cookie pair. */
export function idOf(cookie: string): string {
  return decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));
}

/** A fresh session on `baseUrl`: `POST /write` of one key, and the cookie it got. */
export async function newSession(baseUrl: string, key = 'owner', value: unknown = 'me'): Promise<string> {
  const response = await fetch(writeUrl(baseUrl, key, value), { method: 'POST' });
  await response.arrayBuffer();
  const cookie = cookieSetBy(response);
  if (response.status !== 200 || !cookie) {
    throw new Error(
      `expected a new session from ${baseUrl}, got ${response.status} without a session cookie`,
    );
  }
  return cookie;
}

export function writeUrl(baseUrl: string, key: string, value: unknown): string {
  return `${baseUrl}/write?key=${encodeURIComponent(key)}&value=${encodeURIComponent(JSON.stringify(value))}`;
}

/** `GET /read` with a cookie: the session's data as the app sees it. */
export async function readSession(baseUrl: string, cookie: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${baseUrl}/read`, { headers: { cookie } });
  if (response.status !== 200)
    throw new Error(`GET /read answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { data: Record<string, unknown> }).data;
}

/** Counts of each value (statuses, error codes), sorted by key, as a plain object for printing. */
export function tally<T extends string | number>(values: Iterable<T>): Record<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(String(value), (counts.get(String(value)) ?? 0) + 1);
  return Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })));
}
