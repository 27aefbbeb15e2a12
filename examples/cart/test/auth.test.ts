import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type CookieJar, parseSetCookie } from '@tina4/test-http';
import { createApp } from '../src/app.js';
import { flashIn, formTokenIn, startTestApp, type TestApp } from './support/test-app.js';

const DEMO = { email: 'alice@example.com', password: 'tina4-demo' };

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.close();
});

/** Opens the login page and submits its form. */
async function logIn(jar: CookieJar, fields: Record<string, string> = DEMO): Promise<Response> {
  const page = await jar.page('/login');
  expect(page.status).toBe(200);
  return jar.postForm('/login', { form_token: formTokenIn(await page.text()), ...fields });
}

describe('login, dashboard and logout', () => {
  it('sends a logged-out visitor from /dashboard to /login', async () => {
    const response = await app.jar().page('/dashboard');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/login');
  });

  it('shows the chapter form with a form token', async () => {
    const html = await (await app.jar().page('/login')).text();
    expect(html).toContain('<form method="POST" action="/login"');
    // A signed double-submit token: the HMAC and the random value it signs.
    expect(html).toMatch(/<input type="hidden" name="form_token" value="[0-9a-f]{64}\.[0-9a-f]{64}">/);
    expect(html).toContain('name="remember" value="1"');
  });

  it('logs in, regenerates the session id, and shows the dashboard', async () => {
    const jar = app.jar();
    // Looking at pages creates no session; a cart change does.
    await jar.page('/login');
    expect(jar.cookie('tina4_session')).toBeUndefined();
    await jar.postJson('/cart/add', { product_id: 1 });
    const before = jar.cookie('tina4_session');
    expect(before).toBeDefined();

    const response = await logIn(jar);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/dashboard');
    expect(jar.cookie('tina4_session')).not.toBe(before);
    expect(jar.cookie('remember_token')).toBeUndefined();

    const dashboard = await jar.page('/dashboard');
    expect(dashboard.status).toBe(200);
    const html = await dashboard.text();
    expect(html).toContain('Hello, Alice');
    expect(html).toContain('with your password');
    expect(flashIn(html)).toEqual({ type: 'success', message: 'Welcome back, Alice!' });

    // The session id from before the login no longer resolves (no session fixation).
    const stale = app.jar();
    stale.set('tina4_session', before!);
    expect((await stale.page('/dashboard')).status).toBe(302);

    // A logged-in visitor of /login goes straight to the dashboard.
    expect((await jar.page('/login')).headers.get('location')).toBe('/dashboard');
  });

  it('keeps the cart across the login', async () => {
    const jar = app.jar();
    await jar.postJson('/cart/add', { product_id: 2, quantity: 2 });
    await logIn(jar);
    expect(await (await jar.fetch('/cart/api')).json()).toMatchObject({ item_count: 2, grand_total: 99.98 });
  });

  it('flashes an error for a wrong password, once, and keeps the email', async () => {
    const jar = app.jar();
    const response = await logIn(jar, { email: 'alice@example.com', password: 'wrong' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login');
    const html = await (await jar.page('/login')).text();
    expect(flashIn(html)).toEqual({ type: 'error', message: 'Invalid email or password' });
    expect(html).toContain('value="alice@example.com"');
    expect(flashIn(await (await jar.page('/login')).text())).toBeUndefined();
    expect((await jar.page('/dashboard')).status).toBe(302);
  });

  it('escapes what the visitor typed', async () => {
    const jar = app.jar();
    await logIn(jar, { email: '"><script>alert(1)</script>', password: 'x' });
    const html = await (await jar.page('/login')).text();
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('refuses a login without the right form token (403), even with the right password', async () => {
    const jar = app.jar();
    await jar.page('/login');
    const missing = await jar.postForm('/login', DEMO);
    expect(missing.status).toBe(403);
    const wrong = await jar.postForm('/login', { ...DEMO, form_token: 'A'.repeat(43) });
    expect(wrong.status).toBe(403);
    // A token of another session is just as wrong.
    const other = app.jar();
    const foreign = formTokenIn(await (await other.page('/login')).text());
    expect((await jar.postForm('/login', { ...DEMO, form_token: foreign })).status).toBe(403);
    expect((await jar.page('/dashboard')).status).toBe(302);
  });

  it('logs out: destroys the session and sends the visitor to /login', async () => {
    const jar = app.jar();
    await logIn(jar);
    const loggedIn = jar.cookie('tina4_session');
    const dashboard = await (await jar.page('/dashboard')).text();

    const response = await jar.postForm('/logout', { form_token: formTokenIn(dashboard) });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login');
    expect(jar.cookie('tina4_session')).not.toBe(loggedIn);
    expect(flashIn(await (await jar.page('/login')).text())).toEqual({
      type: 'info',
      message: 'You have been logged out',
    });
    expect((await jar.page('/dashboard')).status).toBe(302);

    const stale = app.jar();
    stale.set('tina4_session', loggedIn!);
    expect((await stale.page('/dashboard')).status).toBe(302);
  });
});

describe('remember me', () => {
  it('sets a 30-day HttpOnly cookie that logs the browser in again once the session is gone', async () => {
    const jar = app.jar();
    const response = await logIn(jar, { ...DEMO, remember: '1' });
    const cookie = response.headers
      .getSetCookie()
      .map(parseSetCookie)
      .find((candidate) => candidate.name === 'remember_token');
    expect(cookie).toBeDefined();
    expect(cookie!.value).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/); // a JWT
    expect(cookie!.attributes).toMatchObject({
      'max-age': String(30 * 24 * 3600),
      httponly: true,
      path: '/',
      samesite: 'Lax',
    });
    expect(cookie!.attributes.secure).toBeUndefined(); // development: plain http works

    // The session ends (expired, or the cookie was deleted); the remember-me cookie stays.
    jar.delete('tina4_session');
    const dashboard = await jar.page('/dashboard');
    expect(dashboard.status).toBe(200);
    const html = await dashboard.text();
    expect(html).toContain('Hello, Alice');
    expect(html).toContain('restored from your remember-me cookie');
    expect(jar.cookie('tina4_session')).toBeDefined();
  });

  it('also restores the login when the session record is gone from the store', async () => {
    const jar = app.jar();
    await logIn(jar, { ...DEMO, remember: '1' });
    // Point the browser at a session the server never issued: like an expired one, it is not adopted.
    jar.set('tina4_session', 'Z'.repeat(43));
    expect((await jar.page('/dashboard')).status).toBe(200);
  });

  it('ignores and deletes a forged or foreign token', async () => {
    const jar = app.jar();
    await logIn(jar, { ...DEMO, remember: '1' });
    const token = jar.cookie('remember_token')!;
    const [header, payload] = token.split('.');
    jar.delete('tina4_session');
    jar.set('remember_token', `${header}.${payload}.${'A'.repeat(43)}`);

    const response = await jar.page('/dashboard');
    expect(response.status).toBe(302);
    expect(jar.cookie('remember_token')).toBeUndefined();

    // A token signed with another secret (another deployment) is no better.
    const other = await startTestApp({
      env: { TINA4_JWT_SECRET: 'another-secret-another-secret-another-secret' },
    });
    try {
      const visitor = other.jar();
      visitor.set('remember_token', token);
      expect((await visitor.page('/dashboard')).status).toBe(302);
    } finally {
      await other.close();
    }
  });

  it('is deleted on logout', async () => {
    const jar = app.jar();
    await logIn(jar, { ...DEMO, remember: '1' });
    const dashboard = await (await jar.page('/dashboard')).text();
    const response = await jar.postForm('/logout', { form_token: formTokenIn(dashboard) });
    const cleared = response.headers
      .getSetCookie()
      .map(parseSetCookie)
      .find((cookie) => cookie.name === 'remember_token');
    expect(cleared?.attributes['max-age']).toBe('0');
    expect(jar.cookie('remember_token')).toBeUndefined();
    jar.delete('tina4_session');
    expect((await jar.page('/dashboard')).status).toBe(302);
  });

  it('marks the cookie Secure outside development', async () => {
    const production = await startTestApp({ env: { NODE_ENV: 'production' } });
    try {
      const response = await logIn(production.jar(), { ...DEMO, remember: '1' });
      const cookie = response.headers
        .getSetCookie()
        .map(parseSetCookie)
        .find((candidate) => candidate.name === 'remember_token');
      expect(cookie?.attributes.secure).toBe(true);
      // The form token's cookie too, with the __Host- prefix that a sibling subdomain cannot set.
      const formCookie = response.headers
        .getSetCookie()
        .map(parseSetCookie)
        .find((candidate) => candidate.name.includes('form_token'));
      expect(formCookie?.name).toBe('__Host-cart_form_token');
      expect(formCookie?.attributes).toMatchObject({ secure: true, httponly: true, path: '/' });
      expect(formCookie?.attributes.domain).toBeUndefined();
    } finally {
      await production.close();
    }
  });
});

describe('the JWT secret', () => {
  it('is required in production', () => {
    expect(() => createApp({ env: { NODE_ENV: 'production' }, session: { backend: 'memory' } })).toThrow(
      /TINA4_JWT_SECRET is not set/,
    );
  });

  it('must not be short', () => {
    expect(() => createApp({ env: { TINA4_JWT_SECRET: 'short' }, session: { backend: 'memory' } })).toThrow(
      /too short/,
    );
  });

  it('is generated in development, with a warning that does not show it', async () => {
    const warnings: string[] = [];
    const dataDir = await mkdtemp(join(tmpdir(), 'cart-data-dev-'));
    try {
      const created = createApp({
        env: {},
        session: { backend: 'memory' },
        logger: { warn: (message: string) => warnings.push(message), error: () => {} },
        dataDir,
      });
      await created.sessions.close();
      expect(warnings).toEqual([
        expect.stringContaining('TINA4_JWT_SECRET is not set: using a random secret'),
      ]);
      // The form tokens' key is kept in the data directory, so that open forms survive a restart.
      expect(await readdir(dataDir)).toEqual(['form-token-key']);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
