import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { sessionKeyOf } from '@tina4/session-core';
import type { CookieJar } from '@tina4/test-http';
import { flashIn, formTokenIn, startTestApp, type TestApp } from './support/test-app.js';

/**
 * "Where you're signed in" on the dashboard, and `/api/sessions`: the user's sessions listed with
 * their device, this one marked, and signed out one at a time or all but this one. A signed-out
 * session's cookie no longer logs in, and neither does the remember-me cookie of its login.
 */

const DEMO = { email: 'alice@example.com', password: 'tina4-demo' };
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';

interface ListedSession {
  handle: string;
  device: string;
  current: boolean;
  last_seen_at: string;
}

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.close();
});
// Every test starts with the demo user signed in nowhere (what an app's password reset does).
beforeEach(async () => {
  await (await app.app.sessions.ready).revokeUser(42);
});

/** A browser (its own cookies and User-Agent) logged in with the login form. */
async function browserLoggedIn(userAgent: string, remember: boolean): Promise<CookieJar> {
  const jar = app.jar();
  const token = formTokenIn(await (await jar.page('/login')).text());
  const fields = { form_token: token, ...DEMO, ...(remember && { remember: '1' }) };
  const response = await jar.fetch('/login', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'text/html',
      'user-agent': userAgent,
    },
    body: new URLSearchParams(fields).toString(),
  });
  expect(response.status).toBe(303);
  return jar;
}

async function listed(jar: CookieJar): Promise<ListedSession[]> {
  const response = await jar.fetch('/api/sessions');
  expect(response.status).toBe(200);
  return ((await response.json()) as { sessions: ListedSession[] }).sessions;
}

/** Whether the browser gets the dashboard (200) or is sent to the login page (302). */
async function dashboardStatus(jar: CookieJar): Promise<number> {
  return (await jar.page('/dashboard')).status;
}

/** A request with only this browser's remember-me cookie: whether it logs in. */
async function rememberMeLogsIn(jar: CookieJar): Promise<boolean> {
  const token = jar.cookie('remember_token');
  if (token === undefined) return false;
  const fresh = app.jar();
  fresh.set('remember_token', token);
  return (await fresh.page('/dashboard')).status === 200;
}

/** The handles posted by the dashboard's "Sign out" forms, by the device each one names. */
function signOutFormsIn(html: string): Map<string, string> {
  const forms = new Map<string, string>();
  for (const match of html.matchAll(
    /<input type="hidden" name="handle" value="([^"]+)">\s*<button[^>]*aria-label="Sign out ([^"]+)"/g,
  )) {
    forms.set(match[2]!, match[1]!);
  }
  return forms;
}

describe("where you're signed in", () => {
  it('lists every session of the user, with its device, this one marked, on the dashboard and as JSON', async () => {
    const firefox = await browserLoggedIn(FIREFOX, false);
    const safari = await browserLoggedIn(SAFARI, false);
    const sessions = await listed(firefox);
    expect(sessions.map((session) => [session.device, session.current]).sort()).toEqual([
      ['Firefox on Linux', true],
      ['Safari on iOS', false],
    ]);
    expect(sessions[0]?.current).toBe(true); // this device first
    for (const session of sessions) expect(session.handle).toMatch(/^[\w-]{32}$/);
    expect(JSON.stringify(sessions)).not.toContain(firefox.cookie('tina4_session'));

    const html = await (await safari.page('/dashboard')).text();
    expect(html).toContain("Where you're signed in");
    expect(html).toMatch(/Safari on iOS<\/span>\s*<span class="session-tag">This device<\/span>/);
    expect(signOutFormsIn(html).has('Firefox on Linux')).toBe(true);
    expect(signOutFormsIn(html).has('Safari on iOS')).toBe(false); // this device logs out with "Log out"
    expect(html).toContain('action="/sessions/revoke-others"');
  });

  it('POST /api/sessions/revoke-others signs out every other session, and their remember-me cookies', async () => {
    const mine = await browserLoggedIn(FIREFOX, true);
    const others = [await browserLoggedIn(SAFARI, true), await browserLoggedIn(CHROME, false)];
    const response = await mine.postJson('/api/sessions/revoke-others', {});
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ message: 'Signed out of 2 other sessions', ended: 2 });

    for (const other of others) {
      const dashboard = await other.page('/dashboard');
      expect(dashboard.status).toBe(302);
      expect(dashboard.headers.get('location')).toBe('/login');
    }
    expect(await rememberMeLogsIn(others[0]!)).toBe(false);
    // This browser goes on, its remember-me cookie too.
    expect(await dashboardStatus(mine)).toBe(200);
    expect((await listed(mine)).map((session) => session.device)).toEqual(['Firefox on Linux']);
    expect(await rememberMeLogsIn(mine)).toBe(true);
  });

  it('signs out a browser that is away too: its session expired, its remember-me cookie would log it back in', async () => {
    const mine = await browserLoggedIn(FIREFOX, false);
    const away = await browserLoggedIn(SAFARI, true);
    // The away browser's session is gone (its file removed, as expiry would); its remember-me cookie is left.
    await unlink(join(app.sessionDir, `sess-${sessionKeyOf(away.cookie('tina4_session')!)}.json`));
    away.delete('tina4_session');
    expect((await listed(mine)).map((session) => session.device)).toEqual(['Firefox on Linux']);
    const request = await mine.postJson('/api/sessions/revoke-others', {});
    expect(request.status).toBe(200);
    expect(await rememberMeLogsIn(away)).toBe(false);
  });

  it("the dashboard's forms sign out one session, then all the others, with the form token", async () => {
    const mine = await browserLoggedIn(FIREFOX, false);
    const phone = await browserLoggedIn(SAFARI, true);
    const laptop = await browserLoggedIn(CHROME, false);

    const dashboard = await (await mine.page('/dashboard')).text();
    const handle = signOutFormsIn(dashboard).get('Safari on iOS')!;
    const signOut = await mine.postForm('/sessions/revoke', { form_token: formTokenIn(dashboard), handle });
    expect(signOut.status).toBe(303);
    expect(signOut.headers.get('location')).toBe('/dashboard');
    const after = await (await mine.page('/dashboard')).text();
    expect(flashIn(after)).toEqual({ type: 'success', message: 'Signed out of that session' });
    expect(signOutFormsIn(after).has('Safari on iOS')).toBe(false);
    expect(await dashboardStatus(phone)).toBe(302);
    expect(await rememberMeLogsIn(phone)).toBe(false);
    expect(await dashboardStatus(laptop)).toBe(200);

    const again = await (await mine.page('/dashboard')).text();
    const all = await mine.postForm('/sessions/revoke-others', { form_token: formTokenIn(again) });
    expect(all.status).toBe(303);
    expect(flashIn(await (await mine.page('/dashboard')).text())).toEqual({
      type: 'success',
      message: 'Signed out of 1 other session',
    });
    expect(await dashboardStatus(laptop)).toBe(302);
    expect(await dashboardStatus(mine)).toBe(200);
    expect(await (await mine.page('/dashboard')).text()).toContain('You are signed in on this device only.');
  });

  it('refuses the forms without the right form token (403), and signs nobody out', async () => {
    const mine = await browserLoggedIn(FIREFOX, false);
    const other = await browserLoggedIn(SAFARI, false);
    await mine.page('/dashboard');
    expect((await mine.postForm('/sessions/revoke-others', {})).status).toBe(403);
    const foreign = formTokenIn(await (await app.jar().page('/login')).text());
    expect((await mine.postForm('/sessions/revoke-others', { form_token: foreign })).status).toBe(403);
    expect(await dashboardStatus(other)).toBe(200);
  });

  it('answers 401 to a visitor who is not logged in', async () => {
    const visitor = app.jar();
    expect((await visitor.fetch('/api/sessions')).status).toBe(401);
    expect((await visitor.postJson('/api/sessions/revoke-others', {})).status).toBe(401);
  });
});
