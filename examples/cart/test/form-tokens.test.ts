import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseSetCookie } from '@tina4/test-http';
import { formTokenIn, startTestApp, type TestApp } from './support/test-app.js';

/**
 * Form tokens without a session: the signed double-submit cookie. A page puts the token in every
 * form and the same value in an HttpOnly cookie signed by the server; a form post must bring both.
 * Nothing is stored on the server until a visitor really changes something.
 */

const DEMO = { email: 'alice@example.com', password: 'tina4-demo' };
const PAGES = ['/cart', '/login', '/preferences', '/dashboard', '/', '/no-such-page'];

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.close();
});

/** The cookie that carries a browser's form token (its name is the app's business). */
function tokenCookieOf(response: Response) {
  return response.headers
    .getSetCookie()
    .map(parseSetCookie)
    .find((cookie) => /form/.test(cookie.name));
}

describe('anonymous page views', () => {
  it('create no session: no session cookie, no session file', async () => {
    for (const path of PAGES) {
      for (let i = 0; i < 5; i++) {
        const jar = app.jar();
        const response = await jar.page(path);
        expect(response.status).toBeLessThan(500);
        expect(jar.cookie('tina4_session')).toBeUndefined();
      }
    }
    expect(await readdir(app.sessionDir)).toEqual([]);
  });

  it('still put a token in every form, and the same value in a signed HttpOnly cookie', async () => {
    const jar = app.jar();
    const response = await jar.page('/cart');
    const html = await response.text();
    const tokens = [...html.matchAll(/name="form_token" value="([^"]+)"/g)].map((match) => match[1]);
    expect(tokens).toHaveLength(5); // the five "Add" forms
    expect(new Set(tokens).size).toBe(1);
    const cookie = tokenCookieOf(response);
    expect(cookie).toBeDefined();
    expect(cookie!.value).toBe(tokens[0]);
    expect(cookie!.attributes).toMatchObject({ httponly: true, path: '/', samesite: 'Lax' });
    // The next page of the same browser reuses it, so that two open tabs both work.
    expect(formTokenIn(await (await jar.page('/login')).text())).toBe(tokens[0]);
  });
});

describe('form posts', () => {
  it('take the right token before any session exists: the first add creates the session', async () => {
    const jar = app.jar();
    const token = formTokenIn(await (await jar.page('/cart')).text());
    const response = await jar.postForm('/cart/add', { form_token: token, product_id: '2', quantity: '1' });
    expect(response.status).toBe(303);
    expect(jar.cookie('tina4_session')).toBeDefined();
    expect(await (await jar.fetch('/cart/api')).json()).toMatchObject({ item_count: 1 });
  });

  it('are refused (403) without a valid token, and change nothing', async () => {
    const jar = app.jar();
    const token = formTokenIn(await (await jar.page('/cart')).text());
    await jar.postForm('/cart/add', { form_token: token, product_id: '1', quantity: '1' });
    const other = app.jar();
    const othersToken = formTokenIn(await (await other.page('/cart')).text());
    const [hmac, random] = token.split('.');

    const attempts: Record<string, () => Promise<Response>> = {
      missing: () => jar.postForm('/cart/clear', {}),
      empty: () => jar.postForm('/cart/clear', { form_token: '' }),
      wrong: () =>
        jar.postForm('/cart/clear', {
          form_token: `${token.slice(0, -1)}${token.endsWith('0') ? '1' : '0'}`,
        }),
      'one character short': () => jar.postForm('/cart/clear', { form_token: token.slice(0, -1) }),
      'one character long': () => jar.postForm('/cart/clear', { form_token: `${token}0` }),
      'other case': () => jar.postForm('/cart/clear', { form_token: token.toUpperCase() }),
      'NUL byte': () => jar.postForm('/cart/clear', { form_token: `${token}\u0000` }),
      "another browser's": () => jar.postForm('/cart/clear', { form_token: othersToken }),
      'sent twice': () =>
        jar.fetch('/cart/clear', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
          body: `form_token=${encodeURIComponent(token)}&form_token=${encodeURIComponent(token)}`,
        }),
      'a self-made cookie and field pair': async () => {
        const forger = app.jar();
        for (const name of jar.names()) forger.set(name, jar.cookie(name)!);
        const cookieName = jar.names().find((name) => /form/.test(name))!;
        const forged = `${'0'.repeat(hmac!.length)}.${random}`;
        forger.set(cookieName, forged);
        return forger.postForm('/cart/clear', { form_token: forged });
      },
      'the field without its cookie': async () => {
        const cookieless = app.jar();
        cookieless.set('tina4_session', jar.cookie('tina4_session')!);
        return cookieless.postForm('/cart/clear', { form_token: token });
      },
    };
    for (const [name, attempt] of Object.entries(attempts)) {
      const response = await attempt();
      expect([name, response.status]).toEqual([name, 403]);
      expect(await response.text()).toContain('This form has expired or did not come from this site.');
    }
    // Far too long for a form: refused by the body limit (16 KiB) before the token is looked at.
    expect((await jar.postForm('/cart/clear', { form_token: token.repeat(200) })).status).toBe(413);
    expect(await (await jar.fetch('/cart/api')).json()).toMatchObject({ item_count: 1 });
  });

  it('JSON requests need no token', async () => {
    const jar = app.jar();
    expect((await jar.postJson('/cart/add', { product_id: 1 })).status).toBe(201);
  });

  it('logging in rotates the token: the one from before the login is refused after it', async () => {
    const jar = app.jar();
    const before = formTokenIn(await (await jar.page('/login')).text());
    const login = await jar.postForm('/login', { form_token: before, ...DEMO });
    expect(login.status).toBe(303);
    const after = formTokenIn(await (await jar.page('/cart')).text());
    expect(after).not.toBe(before);
    expect((await jar.postForm('/cart/clear', { form_token: before })).status).toBe(403);
    expect((await jar.postForm('/cart/clear', { form_token: after })).status).toBe(303);
  });

  it('logging out rotates it too', async () => {
    const jar = app.jar();
    const first = formTokenIn(await (await jar.page('/login')).text());
    await jar.postForm('/login', { form_token: first, ...DEMO });
    const loggedIn = formTokenIn(await (await jar.page('/dashboard')).text());
    expect((await jar.postForm('/logout', { form_token: loggedIn })).status).toBe(303);
    const loggedOut = formTokenIn(await (await jar.page('/login')).text());
    expect(loggedOut).not.toBe(loggedIn);
    expect((await jar.postForm('/cart/clear', { form_token: loggedIn })).status).toBe(403);
  });
});
