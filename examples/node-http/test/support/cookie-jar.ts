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

/**
 * What curl's `-c cookies.txt -b cookies.txt` does, for `fetch`: remembers the cookies responses
 * set, drops the ones they expire, and sends them back. Redirects are not followed, so that tests
 * see each 303 and its `Location`.
 */
export class CookieJar {
  readonly #cookies = new Map<string, string>();
  readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  cookie(name: string): string | undefined {
    return this.#cookies.get(name);
  }

  set(name: string, value: string): void {
    this.#cookies.set(name, value);
  }

  /** Sends a request with the jar's cookies and records the response's cookies. */
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.#cookies.size > 0) {
      headers.set('cookie', [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    }
    const response = await fetch(new URL(path, this.baseUrl), { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const cookie = parseSetCookie(line);
      if (isExpiring(cookie) || cookie.value === '') this.#cookies.delete(cookie.name);
      else this.#cookies.set(cookie.name, cookie.value);
    }
    return response;
  }

  /** `curl -X POST -H "Content-Type: application/json" -d '<json>'`. */
  postJson(path: string, body: unknown): Promise<Response> {
    return this.fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  /** `curl -X POST` with no body. */
  post(path: string): Promise<Response> {
    return this.fetch(path, { method: 'POST' });
  }
}
