import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseSetCookie } from '@tina4/test-http';
import { flashIn, formTokenIn, hiddenFieldsOf, startTestApp, type TestApp } from './support/test-app.js';

/** The shopper's side: the preferences page and the dark theme, and coming back after logging in. */

const DEMO = { email: 'alice@example.com', password: 'tina4-demo' };

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.close();
});

describe('the preferences page', () => {
  it('is linked from the header of every page', async () => {
    for (const path of ['/cart', '/login', '/preferences']) {
      const html = await (await app.jar().page(path)).text();
      expect(html).toMatch(/<nav[\s\S]*href="\/preferences"[\s\S]*<\/nav>/);
    }
  });

  it('shows the current choices in a form', async () => {
    const jar = app.jar();
    jar.set('theme', 'dark');
    jar.set('language', 'pt-BR');
    const response = await jar.page('/preferences');
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<form method="post" action="/preferences"');
    expect(html).toMatch(/<input type="radio" name="theme" value="dark"[^>]*checked/);
    expect(html).toMatch(/<option value="pt-BR" selected>/);
    expect(html).toContain('action="/clear-preferences"');
  });

  it('saves the form into the preference cookies, without a session, and the pages use them', async () => {
    const jar = app.jar();
    const page = await (await jar.page('/preferences')).text();
    const saved = await jar.postForm('/preferences', {
      ...hiddenFieldsOf(page, '/preferences'),
      theme: 'dark',
      language: 'fr',
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe('/preferences?saved=1');
    expect(jar.cookie('theme')).toBe('dark');
    expect(jar.cookie('language')).toBe('fr');
    expect(jar.cookie('tina4_session')).toBeUndefined();

    const after = await (await jar.page('/preferences?saved=1')).text();
    expect(flashIn(after)).toEqual({ type: 'success', message: 'Preferences saved' });
    const shop = await (await jar.page('/cart')).text();
    expect(shop).toContain('<body class="theme-dark">');
    expect(shop).toContain('<html lang="fr">');

    const cleared = await jar.postForm('/clear-preferences', hiddenFieldsOf(after, '/clear-preferences'));
    expect(cleared.status).toBe(303);
    expect(jar.cookie('theme')).toBeUndefined();
    expect(await (await jar.page('/cart')).text()).toContain('<body class="theme-light">');
  });

  it('refuses a form post of it without the form token', async () => {
    const response = await app.jar().postForm('/preferences', { theme: 'dark' });
    expect(response.status).toBe(403);
    expect(
      response.headers
        .getSetCookie()
        .map(parseSetCookie)
        .map((c) => c.name),
    ).not.toContain('theme');
  });
});

describe('the dark theme', () => {
  it('has styles: the stylesheet redefines the colours under .theme-dark', async () => {
    const css = await (await app.jar().fetch('/static/shop.css')).text();
    const dark = /\.theme-dark\s*\{([^}]*)\}/.exec(css)?.[1] ?? '';
    for (const variable of ['--ink', '--surface', '--background', '--line']) {
      expect([variable, dark.includes(`${variable}:`)]).toEqual([variable, true]);
    }
    expect(css).toContain('color-scheme: dark');
  });
});

describe('returning after login', () => {
  it("the header's login link names the page, and logging in returns there", async () => {
    const jar = app.jar();
    const shop = await (await jar.page('/cart')).text();
    expect(shop).toContain('href="/login?next=%2Fcart"');
    // An error page is not a place to come back to.
    const missing = await (await jar.page('/no-such-page')).text();
    expect(missing).toContain('<a href="/login">Log in</a>');

    const login = await (await jar.page('/login?next=%2Fcart')).text();
    const fields = hiddenFieldsOf(login, '/login');
    expect(fields.next).toBe('/cart');
    const response = await jar.postForm('/login', { ...fields, ...DEMO });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/cart');
    expect(flashIn(await (await jar.page('/cart')).text())).toEqual({
      type: 'success',
      message: 'Welcome back, Alice!',
    });
    // Logged in, /login?next=... goes straight there.
    expect((await jar.page('/login?next=%2Fpreferences')).headers.get('location')).toBe('/preferences');
  });

  it('a failed login keeps the page to return to', async () => {
    const jar = app.jar();
    const login = await (await jar.page('/login?next=%2Fpreferences')).text();
    const response = await jar.postForm('/login', {
      ...hiddenFieldsOf(login, '/login'),
      ...DEMO,
      password: 'no',
    });
    expect(response.headers.get('location')).toBe('/login?next=%2Fpreferences');
  });

  it('without a page to return to, lands on the dashboard', async () => {
    const jar = app.jar();
    const token = formTokenIn(await (await jar.page('/login')).text());
    const response = await jar.postForm('/login', { form_token: token, ...DEMO });
    expect(response.headers.get('location')).toBe('/dashboard');
  });

  it('only returns to same-site relative paths', async () => {
    const unsafe = [
      '//evil.example',
      '//evil.example/cart',
      'https://evil.example/',
      'http:evil.example',
      '/\\evil.example',
      '\\\\evil.example',
      'javascript:alert(1)',
      ' /cart',
      '/cart\r\nSet-Cookie: pwned=1',
      '/\t/evil.example',
      'cart',
      '/login',
      '/logout',
      `/${'a'.repeat(3000)}`,
    ];
    for (const next of unsafe) {
      const jar = app.jar();
      const token = formTokenIn(await (await jar.page('/login')).text());
      const response = await jar.postForm('/login', { form_token: token, ...DEMO, next });
      expect([next, response.headers.get('location')]).toEqual([next, '/dashboard']);
    }
    const page = await (await app.jar().page(`/login?next=${encodeURIComponent('//evil.example')}`)).text();
    expect(page).not.toContain('evil.example');
  });

  it('keeps the query of a same-site path', async () => {
    const jar = app.jar();
    const token = formTokenIn(await (await jar.page('/login')).text());
    const response = await jar.postForm('/login', {
      form_token: token,
      ...DEMO,
      next: '/preferences?saved=1#top',
    });
    expect(response.headers.get('location')).toBe('/preferences?saved=1#top');
  });
});
