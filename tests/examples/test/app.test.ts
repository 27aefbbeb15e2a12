import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type CookieJar, isExpiring, setCookieOf } from '@tina4/test-http';
import { EXAMPLES } from './support/examples.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const SESSION_COOKIE = 'tina4_session';
const ALICE = { username: 'alice', password: 'tina4-demo' };

// The examples are one app written for three frameworks: each must answer the READMEs' curl
// sequence the same way.
describe.each(EXAMPLES)('the $name example over HTTP', (example) => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(example);
  });

  afterAll(async () => {
    await app?.close();
  });

  /** A browser that logged in as alice, after following the redirect. */
  async function loggedIn(): Promise<CookieJar> {
    const jar = app.jar();
    expect((await jar.postJson('/login', ALICE)).status).toBe(303);
    expect(await (await jar.fetch('/me')).json()).toMatchObject({ user: 'alice' });
    return jar;
  }

  describe('the visit counter', () => {
    it('counts the visits of each browser in its session', async () => {
      const jar = app.jar();
      expect(await (await jar.fetch('/visit')).json()).toEqual({
        visit_count: 1,
        message: 'You have visited this page 1 time',
      });
      expect(await (await jar.fetch('/visit')).json()).toMatchObject({ visit_count: 2 });
      expect(await (await jar.fetch('/visit')).json()).toEqual({
        visit_count: 3,
        message: 'You have visited this page 3 times',
      });
      // Another browser has its own session.
      expect(await (await app.jar().fetch('/visit')).json()).toMatchObject({ visit_count: 1 });
    });

    it('keeps sessions as files named by a hash of the id, with an HttpOnly cookie', async () => {
      const jar = app.jar();
      const response = await jar.fetch('/visit');
      const cookie = setCookieOf(response, SESSION_COOKIE)!;
      expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(cookie.attributes).toMatchObject({ httponly: true, path: '/', samesite: 'Lax' });
      const files = await readdir(app.sessionDir);
      expect(files.length).toBeGreaterThan(0);
      expect(files.join(' ')).not.toContain(cookie.value);
    });

    it('gives no cookie to a visitor who stores nothing', async () => {
      const response = await app.jar().fetch('/me');
      expect(await response.json()).toEqual({ user: null, message: null });
      expect(response.headers.getSetCookie()).toEqual([]);
    });
  });

  describe('login with regenerate()', () => {
    it('refuses a wrong password and leaves the session as it was', async () => {
      const jar = app.jar();
      await jar.fetch('/visit');
      const before = jar.cookie(SESSION_COOKIE);
      const response = await jar.postJson('/login', { ...ALICE, password: 'wrong' });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: 'Invalid username or password' });
      expect(jar.cookie(SESSION_COOKIE)).toBe(before);
      expect(await (await jar.fetch('/me')).json()).toEqual({ user: null, message: null });
    });

    it('logs in on a new session id; the old id no longer shows the user', async () => {
      const jar = app.jar();
      await jar.fetch('/visit');
      const oldId = jar.cookie(SESSION_COOKIE)!;
      expect(oldId).toBeDefined();

      const login = await jar.postJson('/login', ALICE);
      expect(login.status).toBe(303);
      expect(login.headers.get('location')).toBe('/me');
      const newId = jar.cookie(SESSION_COOKIE)!;
      expect(newId).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(newId).not.toBe(oldId);

      expect(await (await jar.fetch('/me')).json()).toMatchObject({ user: 'alice' });
      // The data moved with the session: the counter goes on.
      expect(await (await jar.fetch('/visit')).json()).toMatchObject({ visit_count: 2 });

      // A browser still holding the old cookie (an attacker who planted it) is nobody.
      const old = app.jar();
      old.set(SESSION_COOKIE, oldId);
      expect(await (await old.fetch('/me')).json()).toEqual({ user: null, message: null });
    });

    it('shows the flash message once, after the redirect', async () => {
      const jar = app.jar();
      const login = await jar.postJson('/login', ALICE);
      const target = login.headers.get('location')!;
      expect(await (await jar.fetch(target)).json()).toEqual({
        user: 'alice',
        message: 'Welcome back, alice!',
      });
      expect(await (await jar.fetch(target)).json()).toEqual({ user: 'alice', message: null });
    });
  });

  describe('logout with destroy()', () => {
    it('expires the session cookie, and the session is gone for good', async () => {
      const jar = await loggedIn();
      const id = jar.cookie(SESSION_COOKIE)!;

      const logout = await jar.post('/logout');
      expect(logout.status).toBe(200);
      expect(await logout.json()).toEqual({ message: 'Logged out' });
      const cookie = setCookieOf(logout, SESSION_COOKIE)!;
      expect(cookie.value).toBe('');
      expect(isExpiring(cookie)).toBe(true);
      expect(jar.cookie(SESSION_COOKIE)).toBeUndefined();

      expect(await (await jar.fetch('/me')).json()).toEqual({ user: null, message: null });
      // Replaying the destroyed id does not bring the user back.
      const replay = app.jar();
      replay.set(SESSION_COOKIE, id);
      expect(await (await replay.fetch('/me')).json()).toEqual({ user: null, message: null });
    });
  });

  describe('a preference in a plain cookie', () => {
    it('is set for a year and read back from the request', async () => {
      const jar = app.jar();
      expect(await (await jar.fetch('/preferences')).json()).toEqual({ theme: 'light' });

      const saved = await jar.postJson('/preferences', { theme: 'dark' });
      expect(saved.status).toBe(200);
      const cookie = setCookieOf(saved, 'theme')!;
      expect(cookie.value).toBe('dark');
      expect(cookie.attributes).toMatchObject({ 'max-age': '31536000', path: '/', samesite: 'Lax' });
      // A plain cookie needs no session.
      expect(setCookieOf(saved, SESSION_COOKIE)).toBeUndefined();
      expect(await (await jar.fetch('/preferences')).json()).toEqual({ theme: 'dark' });
    });

    it('refuses a theme it does not know', async () => {
      const jar = app.jar();
      const response = await jar.postJson('/preferences', { theme: 'neon' });
      expect(response.status).toBe(400);
      expect(response.headers.getSetCookie()).toEqual([]);
    });

    it('is cleared with an expiring cookie', async () => {
      const jar = app.jar();
      await jar.postJson('/preferences', { theme: 'dark' });
      const cleared = await jar.post('/clear-preferences');
      expect(await cleared.json()).toEqual({ message: 'Preferences cleared' });
      const cookie = setCookieOf(cleared, 'theme')!;
      expect(cookie.value).toBe('');
      expect(isExpiring(cookie)).toBe(true);
      expect(cookie.attributes.path).toBe('/');
      expect(jar.cookie('theme')).toBeUndefined();
      expect(await (await jar.fetch('/preferences')).json()).toEqual({ theme: 'light' });
    });
  });
});
