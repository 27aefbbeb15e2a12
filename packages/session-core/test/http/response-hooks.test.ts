import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { appHandlesErrors } from '../../src/adapters/express/error-handling.js';
import { type SessionRequest, sessions } from '../../src/adapters/express/index.js';
import { createMemoryStore, type MemoryStoreEntry, sessionKeyOf } from '../../src/index.js';
import { listen, type RunningServer } from '../support/apps/running-server.js';

/**
 * The Connect-style middleware hooks a response (its own `writeHead`, `write`, `end`, ...) only when
 * the session has something to commit or a cookie to send: reading a session, or not touching it,
 * must cost no hook. Each response says whether it was hooked when the handler answered.
 */
describe('which responses the Express/node:http middleware hooks', () => {
  const entries = new Map<string, MemoryStoreEntry>();
  let app: RunningServer;

  beforeAll(async () => {
    const middleware = sessions({ store: createMemoryStore({ entries }), envFile: false, env: {} });
    await middleware.ready;
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      void middleware(req, res, () => {
        const { session } = req as SessionRequest;
        const path = req.url ?? '/';
        if (path === '/write') session.set('count', session.get('count', 0) + 1);
        else if (path === '/read') session.get('count');
        const hooked = Object.hasOwn(res, 'end') && Object.hasOwn(res, 'writeHead');
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ hooked }));
      });
    });
    app = await listen(server, () => middleware.close());
  });
  afterAll(() => app.close());

  const request = async (path: string, cookie?: string) => {
    const response = await fetch(`${app.url}${path}`, cookie ? { headers: { cookie } } : {});
    const { hooked } = (await response.json()) as { hooked: boolean };
    return { hooked, setCookie: response.headers.getSetCookie()[0] };
  };
  /** A stored session's cookie, from a first write. */
  const storedSession = async (): Promise<string> => (await request('/write')).setCookie!.split(';')[0]!;

  it('leaves alone a response whose request has no session cookie and does not touch the session', async () => {
    expect(await request('/untouched')).toEqual({ hooked: false, setCookie: undefined });
  });

  it('leaves alone a response whose session is only read', async () => {
    const cookie = await storedSession();
    expect(await request('/read', cookie)).toEqual({ hooked: false, setCookie: undefined });
  });

  it('hooks the response once the handler changes the session, and commits before the headers', async () => {
    const cookie = await storedSession();
    const written = await request('/write', cookie);
    expect(written.hooked).toBe(true);
    expect(written.setCookie?.split(';')[0]).toBe(cookie);
    const key = sessionKeyOf(cookie.slice(cookie.indexOf('=') + 1));
    expect(entries.get(key)?.fields).toEqual({ count: '2' });
  });

  it('hooks from the start a response whose session is due a refresh of its expiry', async () => {
    const cookie = await storedSession();
    const entry = entries.get(sessionKeyOf(cookie.slice(cookie.indexOf('=') + 1)))!;
    // Last refreshed longer ago than the touch interval (a minute, with the default hour's TTL).
    entry.expiresAt -= 2 * 60_000;
    const expiresBefore = entry.expiresAt;
    const read = await request('/read', cookie);
    expect(read.hooked).toBe(true);
    expect(read.setCookie?.split(';')[0]).toBe(cookie);
    expect(entry.expiresAt).toBeGreaterThan(expiresBefore);
  });
});

describe("whether an Express app has error pages of its own (read from the app's router)", () => {
  const requestOf = (stack: { handle: { length: number } }[]) =>
    ({ app: { router: { stack } } }) as unknown as IncomingMessage;

  it('answers from the stack, and again once the stack has grown', () => {
    const stack: { handle: { length: number } }[] = [
      { handle: (_req: unknown, _res: unknown, _next: unknown) => {} },
    ];
    expect(appHandlesErrors(requestOf(stack))).toBe(false);
    stack.push({ handle: (_error: unknown, _req: unknown, _res: unknown, _next: unknown) => {} });
    expect(appHandlesErrors(requestOf(stack))).toBe(true);
  });

  it('finds none for a plain node:http request', () => {
    expect(appHandlesErrors({} as IncomingMessage)).toBe(false);
  });
});
