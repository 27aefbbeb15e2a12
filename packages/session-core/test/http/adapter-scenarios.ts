import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateSessionId, type SessionOptions } from '../../src/index.js';
import type { RunningServer } from '../support/apps/running-server.js';
import { CookieJar } from '../support/cookie-jar.js';
import { gates } from '../support/gates.js';

export type StartApp = (options: SessionOptions) => Promise<RunningServer>;

/** What the apps of these tests log (a late change's warning, for one). */
const logged: string[] = [];
const ISOLATED: SessionOptions = {
  backend: 'memory',
  envFile: false,
  env: {},
  logger: { warn: (line) => logged.push(line), error: (line) => logged.push(line) },
};
const SESSION_COOKIE =
  /^tina4_session=([A-Za-z0-9_-]{43}); Max-Age=3600; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/;

async function readJson(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

function sessionCookieOf(response: Response): string | undefined {
  return response.headers.getSetCookie().find((line) => line.startsWith('tina4_session='));
}

/** The HTTP behaviour every adapter must show, over a real listening server. */
export function describeAdapter(name: string, start: StartApp, extra: { streaming?: boolean } = {}): void {
  describe(`${name} adapter over HTTP`, () => {
    let app: RunningServer;
    beforeAll(async () => {
      app = await start(ISOLATED);
    });
    afterAll(() => app.close());

    it("counts visits as the chapter shows, with the session cookie's default attributes", async () => {
      const jar = new CookieJar();
      const first = await jar.fetch(`${app.url}/visit-counter`);
      expect(await first.text()).toBe('{"visit_count":1,"message":"You have visited this page 1 time"}');
      expect(sessionCookieOf(first)).toMatch(SESSION_COOKIE);
      const second = await jar.fetch(`${app.url}/visit-counter`);
      expect(await second.json()).toEqual({ visit_count: 2, message: 'You have visited this page 2 times' });
    });

    it('sends no cookie to a visitor who never writes, nor when a session is only read', async () => {
      const visitor = await fetch(`${app.url}/untouched`);
      expect(visitor.headers.getSetCookie()).toEqual([]);
      const jar = new CookieJar();
      await jar.fetch(`${app.url}/visit-counter`);
      const reader = await jar.fetch(`${app.url}/whoami`);
      expect(reader.headers.getSetCookie()).toEqual([]);
    });

    it('shows a flash message once, across a redirect', async () => {
      const jar = new CookieJar();
      const posted = await jar.fetch(`${app.url}/contact`, { method: 'POST' });
      expect(posted.status).toBe(302);
      expect(posted.headers.get('location')).toBe('/contact');
      expect(await (await jar.fetch(`${app.url}/contact`)).json()).toEqual({
        flash_message: 'Your message has been sent!',
      });
      expect(await (await jar.fetch(`${app.url}/contact`)).json()).toEqual({ flash_message: null });
    });

    it('regenerate() changes the cookie, keeps the data, and the old id stops working', async () => {
      const jar = new CookieJar();
      await jar.fetch(`${app.url}/visit-counter`);
      const before = jar.get('tina4_session')!;
      await jar.fetch(`${app.url}/login`, { method: 'POST' });
      const after = jar.get('tina4_session')!;
      expect(after).not.toBe(before);
      expect(await (await jar.fetch(`${app.url}/whoami`)).json()).toEqual({
        user: 'alice',
        data: { visit_count: 1, user: 'alice' },
      });
      const old = await fetch(`${app.url}/whoami`, { headers: { cookie: `tina4_session=${before}` } });
      expect(await old.json()).toEqual({ user: null, data: {} });
    });

    it('destroy() expires the cookie and deletes the data; a later set() starts a new session', async () => {
      const jar = new CookieJar();
      await jar.fetch(`${app.url}/login`, { method: 'POST' });
      const id = jar.get('tina4_session')!;
      const logout = await jar.fetch(`${app.url}/logout`, { method: 'POST' });
      expect(sessionCookieOf(logout)).toMatch(
        /^tina4_session=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT/,
      );
      const stale = await fetch(`${app.url}/whoami`, { headers: { cookie: `tina4_session=${id}` } });
      expect(await stale.json()).toEqual({ user: null, data: {} });

      await jar.fetch(`${app.url}/login`, { method: 'POST' });
      const renewed = await jar.fetch(`${app.url}/logout-and-start-over`, { method: 'POST' });
      const fresh = SESSION_COOKIE.exec(sessionCookieOf(renewed) ?? '')?.[1];
      expect(fresh).toBeDefined();
      expect(await (await jar.fetch(`${app.url}/whoami`)).json()).toEqual({
        user: null,
        data: { fresh: true },
      });
    });

    it('res.cookie() sets cookies with the Tina4 options beside the session cookie, and maxAge 0 deletes', async () => {
      const jar = new CookieJar();
      const saved = await jar.fetch(`${app.url}/preferences`, { method: 'POST' });
      const lines = saved.headers.getSetCookie();
      expect(lines).toHaveLength(3);
      expect(lines.find((line) => line.startsWith('theme='))).toMatch(
        /^theme=dark; Max-Age=31536000; Path=\/;.* SameSite=Lax$/,
      );
      expect(lines.find((line) => line.startsWith('language='))).toMatch(/^language=en; Max-Age=31536000;/);
      expect(sessionCookieOf(saved)).toMatch(SESSION_COOKIE);
      expect(await (await jar.fetch(`${app.url}/cookies`)).json()).toMatchObject({
        theme: 'dark',
        language: 'en',
      });

      const cleared = await jar.fetch(`${app.url}/clear-preferences`, { method: 'POST' });
      for (const line of cleared.headers.getSetCookie())
        expect(line).toMatch(/^(theme|language)=; Max-Age=0; Path=\//);
    });

    it("deletes cookies with the framework's own method, scope kept, by Express's rule", async () => {
      const response = await fetch(`${app.url}/clear-cookie`, { method: 'POST' });
      const lines = response.headers.getSetCookie();
      const theme = lines.find((line) => line.startsWith('theme='));
      const scoped = lines.find((line) => line.startsWith('scoped='));
      expect(theme).toMatch(/^theme=;/);
      expect(theme).toContain('Path=/');
      // Express's rule (and the core's): Expires in 1970; Hono's own deleteCookie: Max-Age=0.
      expect(theme).toMatch(/Expires=Thu, 01 Jan 1970 00:00:00 GMT|Max-Age=0/);
      expect(theme).not.toMatch(/Max-Age=5/);
      expect(scoped).toMatch(/^scoped=;/);
      expect(scoped).toMatch(/Domain=example\.com/i);
      expect(scoped).toContain('Path=/shop');
    });

    it('logs a change made after the response was sent, which is not saved by itself', async () => {
      const jar = new CookieJar();
      await jar.fetch(`${app.url}/visit-counter`);
      const before = logged.length;
      await jar.fetch(`${app.url}/late-change`);
      const deadline = Date.now() + 2000;
      while (logged.length === before && Date.now() < deadline) await sleep(10);
      expect(logged.slice(before)).toEqual([expect.stringMatching(/changed after its response was sent/)]);
      expect((await readJson(await jar.fetch(`${app.url}/whoami`))).data).toEqual({ visit_count: 1 });
    });

    it('gives forged and garbage cookies a fresh session and never adopts their id', async () => {
      const forged = generateSessionId();
      const response = await fetch(`${app.url}/visit-counter`, {
        headers: { cookie: `tina4_session=${forged}` },
      });
      expect((await readJson(response)).visit_count).toBe(1);
      const issued = SESSION_COOKIE.exec(sessionCookieOf(response) ?? '')?.[1];
      expect(issued).toBeDefined();
      expect(issued).not.toBe(forged);

      for (const cookie of [
        'tina4_session=%E0%A4%A',
        'tina4_session=../../etc/passwd',
        `tina4_session=${'x'.repeat(5000)}`,
        '=;;=;',
        'a=%ZZ; tina4_session',
      ]) {
        const garbage = await fetch(`${app.url}/visit-counter`, { headers: { cookie } });
        expect(garbage.status).toBe(200);
        expect((await readJson(garbage)).visit_count).toBe(1);
      }
    });

    it('refuses a value that is not JSON with a TypeError naming the key, storing nothing', async () => {
      const jar = new CookieJar();
      const response = await jar.fetch(`${app.url}/store-a-date`, { method: 'POST' });
      expect(response.status).toBe(400);
      const body = await readJson(response);
      expect(body.type).toBe('TypeError');
      expect(body.error).toContain('"login_time"');
      expect(body.error).toContain('toISOString()');
      expect(jar.get('tina4_session')).toBeUndefined();
    });

    describe('overlapping requests of one browser (a handler held open by the test)', () => {
      let gateCount = 0;
      /** A logged-in browser and a request of it held in its handler; `done` is its response. */
      const heldRequest = async (then: 'set' | 'regenerate') => {
        const jar = new CookieJar();
        await jar.fetch(`${app.url}/visit-counter`);
        const id = jar.get('tina4_session')!;
        const gate = `${name}-${++gateCount}`;
        const done = jar.fetch(`${app.url}/held?gate=${gate}&then=${then}`, { method: 'POST' });
        await gates.arrived(gate);
        return { jar, id, gate, done };
      };
      const withCookie = (id: string) => ({ headers: { cookie: `tina4_session=${id}` } });

      it('a logout is not undone by a slower request that writes afterwards', async () => {
        const slow = await heldRequest('set');
        const logout = await fetch(`${app.url}/logout`, { method: 'POST', ...withCookie(slow.id) });
        expect(sessionCookieOf(logout)).toMatch(/^tina4_session=; Max-Age=0/);
        gates.open(slow.gate);
        const late = await slow.done;
        expect(late.status).toBe(200);
        expect(sessionCookieOf(late)).toBeUndefined();
        const after = await fetch(`${app.url}/whoami`, withCookie(slow.id));
        expect(await after.json()).toEqual({ user: null, data: {} });
      });

      it('an id retired by a login is not revived by a slower request', async () => {
        const slow = await heldRequest('set');
        const login = await fetch(`${app.url}/login`, { method: 'POST', ...withCookie(slow.id) });
        const newId = SESSION_COOKIE.exec(sessionCookieOf(login) ?? '')?.[1];
        expect(newId).toBeDefined();
        gates.open(slow.gate);
        expect(sessionCookieOf(await slow.done)).toBeUndefined();
        expect(await (await fetch(`${app.url}/whoami`, withCookie(slow.id))).json()).toEqual({
          user: null,
          data: {},
        });
        expect(await (await fetch(`${app.url}/whoami`, withCookie(newId!))).json()).toEqual({
          user: 'alice',
          data: { visit_count: 1, user: 'alice' },
        });
      });

      it('a held login whose session was logged out meanwhile logs nobody in', async () => {
        const held = await heldRequest('regenerate');
        await fetch(`${app.url}/logout`, { method: 'POST', ...withCookie(held.id) });
        gates.open(held.gate);
        const late = await held.done;
        expect(late.status).toBe(200);
        expect(sessionCookieOf(late)).toBeUndefined();
      });

      it('a double-submitted login leaves one live session', async () => {
        const first = await heldRequest('regenerate');
        const secondGate = `${first.gate}-twin`;
        const second = fetch(`${app.url}/held?gate=${secondGate}&then=regenerate`, {
          method: 'POST',
          ...withCookie(first.id),
        });
        await gates.arrived(secondGate);
        gates.open(first.gate);
        gates.open(secondGate);
        const ids = (await Promise.all([first.done, second]))
          .map((response) => SESSION_COOKIE.exec(sessionCookieOf(response) ?? '')?.[1])
          .filter((id) => id !== undefined);
        expect(ids).toHaveLength(1);
        expect(await (await fetch(`${app.url}/whoami`, withCookie(ids[0]!))).json()).toMatchObject({
          user: 'alice',
        });
      });

      it('regenerate() on a session with no data sends no cookie', async () => {
        const response = await fetch(`${app.url}/regenerate-only`);
        expect(response.headers.getSetCookie()).toEqual([]);
      });

      it('getSessionId() after destroy() is null and the response only expires the cookie', async () => {
        const jar = new CookieJar();
        await jar.fetch(`${app.url}/visit-counter`);
        const response = await jar.fetch(`${app.url}/logout-and-ask-id`, { method: 'POST' });
        expect(await response.json()).toEqual({ id: null });
        expect(response.headers.getSetCookie()).toEqual([
          expect.stringMatching(/^tina4_session=; Max-Age=0/),
        ]);
      });
    });

    it('fails at start-up when SameSite=None is asked for without Secure', async () => {
      await expect(start({ ...ISOLATED, sameSite: 'None' })).rejects.toThrow(/TINA4_SESSION_SECURE=true/);
    });

    it('slides the expiry: an active session outlives its TTL and its cookie is renewed', async () => {
      const short = await start({ ...ISOLATED, ttl: 2 });
      try {
        const jar = new CookieJar();
        await jar.fetch(`${short.url}/visit-counter`);
        for (let step = 0; step < 3; step++) {
          await sleep(900);
          const read = await jar.fetch(`${short.url}/whoami`);
          expect((await readJson(read)).data).toEqual({ visit_count: 1 });
          expect(sessionCookieOf(read)).toMatch(/; Max-Age=2;/);
        }
        await sleep(2200);
        expect((await readJson(await jar.fetch(`${short.url}/whoami`))).data).toEqual({});
      } finally {
        await short.close();
      }
    });

    if (extra.streaming) {
      it('commits a streamed response and one that ends in the error handler', async () => {
        const jar = new CookieJar();
        const streamed = await jar.fetch(`${app.url}/stream`);
        expect(await streamed.text()).toBe('first chunk;last chunk');
        expect(sessionCookieOf(streamed)).toMatch(SESSION_COOKIE);
        const failed = await jar.fetch(`${app.url}/fail`);
        expect(failed.status).toBe(500);
        expect((await readJson(await jar.fetch(`${app.url}/whoami`))).data).toEqual({
          streamed: true,
          before_error: true,
        });
      });
    }
  });
}
