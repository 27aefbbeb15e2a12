import { isExpiring, parseSetCookie } from './set-cookie.js';

/**
 * What curl's `-c cookies.txt -b cookies.txt` does, for `fetch`: remembers the cookies responses
 * set, drops the ones they expire (as a browser does), and sends them back. Redirects are not
 * followed, so that tests see each 302/303 and its `Location`.
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
      if (isExpiring(cookie) || cookie.value === '') this.#cookies.delete(cookie.name);
      else this.#cookies.set(cookie.name, cookie.value);
    }
    return response;
  }

  /**
   * `curl -X POST -H "Content-Type: application/json" -d '<json>'`. A string goes as it is, so that
   * a test can send JSON that does not parse.
   */
  postJson(path: string, body: unknown): Promise<Response> {
    return this.fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  /** `curl -X POST` with no body. */
  post(path: string): Promise<Response> {
    return this.fetch(path, { method: 'POST' });
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
