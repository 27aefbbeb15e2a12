import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type CookieJar, parseSetCookie } from '@tina4/test-http';
import { decodeJwt, SignJWT } from 'jose';
import { formTokenIn, startTestApp, TEST_JWT_SECRET, type TestApp } from './support/test-app.js';

/**
 * Remember-me tokens the server can revoke: each names a token id kept server-side (in memory,
 * backed by a JSON file in the data directory), is replaced by a new one each time it logs the
 * browser in, and is removed on logout. A token whose id the server does not know is refused and
 * its cookie deleted, however well it is signed.
 */

const DEMO = { email: 'alice@example.com', password: 'tina4-demo' };

let app: TestApp;
beforeAll(async () => {
  // No leeway: a spent token presented again, however soon, counts as a copy.
  app = await startTestApp({ rememberMeReuseLeewayMs: 0 });
});
afterAll(async () => {
  await app.close();
});

async function logInRemembered(jar: CookieJar): Promise<string> {
  const token = formTokenIn(await (await jar.page('/login')).text());
  const response = await jar.postForm('/login', { form_token: token, ...DEMO, remember: '1' });
  expect(response.status).toBe(303);
  const remember = jar.cookie('remember_token');
  expect(remember).toBeDefined();
  return remember!;
}

/** A browser that has only this remember-me cookie (its session is gone), opening the dashboard. */
async function dashboardWith(test: TestApp, token: string): Promise<{ status: number; cleared: boolean }> {
  const browser = test.jar();
  browser.set('remember_token', token);
  const response = await browser.page('/dashboard');
  const cookie = response.headers
    .getSetCookie()
    .map(parseSetCookie)
    .find((candidate) => candidate.name === 'remember_token');
  const cleared = cookie !== undefined && (cookie.value === '' || cookie.attributes['max-age'] === '0');
  return { status: response.status, cleared };
}

describe('revocable remember-me tokens', () => {
  it('a copy of the token stops working at logout, and its cookie is deleted', async () => {
    const jar = app.jar();
    const copied = await logInRemembered(jar);
    expect((await dashboardWith(app, copied)).status).toBe(200); // before logout, the copy works...
    const current = jar.cookie('remember_token')!;
    const dashboard = await (await jar.page('/dashboard')).text();
    expect((await jar.postForm('/logout', { form_token: formTokenIn(dashboard) })).status).toBe(303);

    // ... the copy was used once, so it was replaced; neither it nor the browser's last one works now.
    for (const token of [copied, current]) {
      expect(await dashboardWith(app, token)).toEqual({ status: 302, cleared: true });
    }
  });

  it('is replaced by a new token each time it logs the browser in; the used one is refused', async () => {
    const jar = app.jar();
    const first = await logInRemembered(jar);
    jar.delete('tina4_session');
    const restored = await jar.page('/dashboard');
    expect(restored.status).toBe(200);
    expect(await restored.text()).toContain('restored from your remember-me cookie');
    const second = jar.cookie('remember_token')!;
    expect(second).not.toBe(first);
    expect(decodeJwt(second).jti).not.toBe(decodeJwt(first).jti);

    // The browser goes on with the new one.
    jar.delete('tina4_session');
    expect((await jar.page('/dashboard')).status).toBe(200);
    const third = jar.cookie('remember_token')!;

    // Someone replaying the first token is refused, and that replay revokes the family: a stolen
    // copy and the real browser cannot both go on.
    expect(await dashboardWith(app, first)).toEqual({ status: 302, cleared: true });
    expect(await dashboardWith(app, third)).toEqual({ status: 302, cleared: true });
  });

  it('refuses a well-signed token whose id the server does not know, and deletes its cookie', async () => {
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject('42')
      .setIssuer('tina4-cart')
      .setAudience('remember-me')
      .setJti(randomBytes(32).toString('base64url'))
      .setIssuedAt()
      .setExpirationTime('30d')
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    expect(await dashboardWith(app, forged)).toEqual({ status: 302, cleared: true });
  });

  it('keeps the tokens in a JSON file under the data directory, so that they survive a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cart-data-shared-'));
    try {
      const first = await startTestApp({ dataDir });
      const token = await logInRemembered(first.jar());
      await first.close();

      const files = await readdir(dataDir);
      expect(files).toContain('remember-tokens.json');
      const stored = await readFile(join(dataDir, 'remember-tokens.json'), 'utf8');
      expect(stored).not.toContain(String(decodeJwt(token).jti)); // only a hash of each id

      const second = await startTestApp({ dataDir });
      let rotated = '';
      try {
        const browser = second.jar();
        browser.set('remember_token', token);
        const dashboard = await browser.page('/dashboard');
        expect(dashboard.status).toBe(200);
        // Log out on the restarted app: the token is revoked for good, also after another restart.
        const html = await dashboard.text();
        rotated = browser.cookie('remember_token')!;
        expect(rotated).not.toBe(token);
        await browser.postForm('/logout', { form_token: formTokenIn(html) });
        const revoked = browser.cookie('remember_token');
        expect(revoked).toBeUndefined();
      } finally {
        await second.close();
      }
      const third = await startTestApp({ dataDir });
      try {
        expect((await dashboardWith(third, rotated)).status).toBe(302);
        expect((await dashboardWith(third, token)).status).toBe(302);
      } finally {
        await third.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("lets the browser's own parallel requests use a token that was just spent (reused within the leeway)", async () => {
    const lenient = await startTestApp(); // the default leeway: 10 s
    try {
      const jar = lenient.jar();
      const token = await logInRemembered(jar);
      // Two tabs reopened at once, both with the token and no session.
      const [first, second] = await Promise.all([
        dashboardWith(lenient, token),
        dashboardWith(lenient, token),
      ]);
      expect([first.status, second.status]).toEqual([200, 200]);
      expect([first.cleared, second.cleared]).toEqual([false, false]);
    } finally {
      await lenient.close();
    }
  });
});
