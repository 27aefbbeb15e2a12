import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseSetCookie } from '@tina4/test-http';
import { startTestApp, type TestApp } from './support/test-app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.close();
});

describe('the visit counter', () => {
  it('counts the visits of each browser', async () => {
    const jar = app.jar();
    expect(await (await jar.fetch('/visit-counter')).text()).toBe(
      '{"visit_count":1,"message":"You have visited this page 1 time"}',
    );
    expect(await (await jar.fetch('/visit-counter')).json()).toEqual({
      visit_count: 2,
      message: 'You have visited this page 2 times',
    });
    expect(await (await jar.fetch('/visit-counter')).json()).toMatchObject({ visit_count: 3 });
    expect(await (await app.jar().fetch('/visit-counter')).json()).toMatchObject({ visit_count: 1 });
  });

  it('sets the chapter session cookie: tina4_session, HttpOnly, SameSite=Lax, the TTL as Max-Age', async () => {
    const response = await app.jar().fetch('/visit-counter');
    const [cookie] = response.headers.getSetCookie().map(parseSetCookie);
    expect(cookie?.name).toBe('tina4_session');
    expect(cookie?.attributes).toMatchObject({
      httponly: true,
      samesite: 'Lax',
      path: '/',
      'max-age': '3600',
    });
  });
});

describe('preferences in the session (/api/preferences)', () => {
  it('returns the defaults, saves, and returns what was saved', async () => {
    const jar = app.jar();
    expect(await (await jar.fetch('/api/preferences')).json()).toEqual({
      language: 'en',
      theme: 'light',
      items_per_page: 20,
    });

    const saved = await jar.postJson('/api/preferences', {
      language: 'fr',
      theme: 'dark',
      items_per_page: '50',
    });
    expect(saved.status).toBe(200);
    expect(await saved.json()).toEqual({
      message: 'Preferences saved',
      preferences: { language: 'fr', theme: 'dark', items_per_page: 50 },
    });
    expect(await (await jar.fetch('/api/preferences')).json()).toEqual({
      language: 'fr',
      theme: 'dark',
      items_per_page: 50,
    });
    // Another browser has its own.
    expect(await (await app.jar().fetch('/api/preferences')).json()).toMatchObject({ language: 'en' });
  });

  it('refuses values it cannot use, and keeps the saved ones', async () => {
    const jar = app.jar();
    await jar.postJson('/api/preferences', { language: 'de', theme: 'dark', items_per_page: 10 });
    for (const body of [
      { theme: 'neon' },
      { language: '<b>' },
      { items_per_page: 'abc' },
      { items_per_page: 0 },
      { items_per_page: 5000 },
    ]) {
      const response = await jar.postJson('/api/preferences', body);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: expect.any(String) });
    }
    expect(await (await jar.fetch('/api/preferences')).json()).toEqual({
      language: 'de',
      theme: 'dark',
      items_per_page: 10,
    });
  });
});

describe('preferences in plain cookies (/preferences)', () => {
  it("sets theme and language cookies with the chapter's options, and the pages read them", async () => {
    const jar = app.jar();
    const response = await jar.postJson('/preferences', { theme: 'dark', language: 'pt-BR' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ message: 'Preferences saved' });
    const cookies = response.headers.getSetCookie().map(parseSetCookie);
    expect(cookies.map((cookie) => [cookie.name, cookie.value])).toEqual([
      ['theme', 'dark'],
      ['language', 'pt-BR'],
    ]);
    for (const cookie of cookies) {
      expect(cookie.attributes).toMatchObject({
        'max-age': String(365 * 24 * 3600),
        path: '/',
        samesite: 'Lax',
      });
      expect(cookie.attributes.httponly).toBeUndefined(); // preferences are for the page's scripts too
    }
    // Plain cookies are not session data: the session holds nothing, so no session cookie.
    expect(jar.cookie('tina4_session')).toBeUndefined();

    const html = await (await jar.page('/cart')).text();
    expect(html).toContain('<html lang="pt-BR">');
    expect(html).toContain('theme dark, language pt-BR');
  });

  it('clears them with Max-Age=0', async () => {
    const jar = app.jar();
    await jar.postJson('/preferences', { theme: 'dark' });
    const response = await jar.fetch('/clear-preferences', { method: 'POST' });
    expect(await response.json()).toEqual({ message: 'Preferences cleared' });
    const cookies = response.headers.getSetCookie().map(parseSetCookie);
    expect(cookies.map((cookie) => [cookie.name, cookie.value, cookie.attributes['max-age']])).toEqual([
      ['theme', '', '0'],
      ['language', '', '0'],
    ]);
    expect(jar.names()).toEqual([]);
  });

  it('refuses a theme it does not know', async () => {
    const response = await app.jar().postJson('/preferences', { theme: 'x; Domain=evil.example' });
    expect(response.status).toBe(400);
    expect(response.headers.getSetCookie()).toEqual([]);
  });
});
