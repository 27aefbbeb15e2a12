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

/**
 * What curl's `-c cookies.txt -b cookies.txt` does, for `fetch`: remembers the cookies responses
 * set, drops the ones they expire, and sends them back. Redirects are not followed, so that tests
 * see each 302/303 and its `Location`.
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

  delete(name: string): void {
    this.#cookies.delete(name);
  }

  names(): string[] {
    return [...this.#cookies.keys()];
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
      const expired = cookie.attributes['max-age'] === '0' || cookie.value === '';
      if (expired) this.#cookies.delete(cookie.name);
      else this.#cookies.set(cookie.name, cookie.value);
    }
    return response;
  }

  /** `curl -X POST -H "Content-Type: application/json" -d '<json>'`. */
  postJson(path: string, body: unknown): Promise<Response> {
    return this.fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  /** What a browser sends for an HTML form: a urlencoded body and `Accept: text/html`. */
  postForm(path: string, fields: Record<string, string>): Promise<Response> {
    return this.fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html,*/*;q=0.8' },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /** A page as a browser asks for it. */
  page(path: string): Promise<Response> {
    return this.fetch(path, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
  }
}
