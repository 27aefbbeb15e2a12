import { afterEach, describe, expect, it } from '@jest/globals';
import { type BusyApp, sessionStoreError, startBusyApp } from './support/busy-app.js';
import { privateRedisMissing, startCartOnPrivateRedis } from './support/outage.js';

/**
 * During a session store outage the core hands the app a 503 error (`next(err)`); the cart
 * answers it with its own styled page for browsers, JSON for API clients, the 503 status and the
 * Retry-After the error carries.
 */

let busy: BusyApp | undefined;
afterEach(async () => {
  await busy?.close();
  busy = undefined;
});

const BROWSER = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

describe('the shop during a session store outage', () => {
  it('shows browsers a styled "busy" page, with 503 and Retry-After', async () => {
    busy = await startBusyApp(() => sessionStoreError('E_SESSION_STORE_UNAVAILABLE', { 'Retry-After': '7' }));
    const response = await fetch(`${busy.url}/cart`, { headers: { ...BROWSER, cookie: 'theme=dark' } });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('The shop is busy, please try again shortly');
    expect(html).toContain('href="/static/shop.css"');
    expect(html).toContain('<body class="theme-dark">');
    expect(html).toContain('href="/cart"'); // a way back
    expect(html).not.toContain('session store'); // no internals
    expect(busy.logs).toEqual([]); // the core logs an outage once, not once per request
  });

  it('answers a form post the same way', async () => {
    busy = await startBusyApp();
    const response = await fetch(`${busy.url}/cart/add`, {
      method: 'POST',
      headers: { ...BROWSER, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'product_id=1&quantity=1',
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.text()).toContain('The shop is busy, please try again shortly');
  });

  it('answers JSON clients with JSON', async () => {
    for (const code of ['E_SESSION_STORE_UNAVAILABLE', 'E_SESSION_LOCK_TIMEOUT'] as const) {
      busy = await startBusyApp(() => sessionStoreError(code, { 'retry-after': '2' }));
      const response = await fetch(`${busy.url}/cart/add`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"product_id": 1}',
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('2');
      // The core's own message, meant for clients (`expose`): it says whether a retry helps.
      expect(await response.json()).toEqual({
        error: 'The session store is unavailable. Please retry shortly.',
        code,
      });
      await busy.close();
      busy = undefined;
    }
  });

  it('sends Retry-After: 1 when the error carries none or a strange one', async () => {
    for (const headers of [{}, { 'Retry-After': 'soon\r\nX-Evil: 1' }] as Record<string, string>[]) {
      busy = await startBusyApp(() => sessionStoreError('E_SESSION_STORE_UNAVAILABLE', headers));
      const response = await fetch(`${busy.url}/cart/api`);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(response.headers.get('x-evil')).toBeNull();
      await busy.close();
      busy = undefined;
    }
  });

  it('keeps other server errors a plain 500 that reveals nothing, and logs them', async () => {
    busy = await startBusyApp(() => Object.assign(new Error('db password is hunter2'), { status: 503 }));
    const response = await fetch(`${busy.url}/cart`, { headers: BROWSER });
    expect(response.status).toBe(500);
    const html = await response.text();
    expect(html).not.toContain('hunter2');
    expect(html).toContain('Something went wrong');
    expect(busy.logs.join('\n')).toContain('hunter2');
  });
});

describe('the shop while its Redis is really down', () => {
  it('answers 503 pages and JSON with Retry-After, logs the outage once, and recovers', async () => {
    if (privateRedisMissing()) return;
    const shop = await startCartOnPrivateRedis();
    try {
      const jar = shop.app.jar();
      expect((await jar.postJson('/cart/add', { product_id: 1 })).status).toBe(201);
      await shop.redis.stop();

      for (let attempt = 0; attempt < 3; attempt++) {
        const page = await jar.fetch('/cart', { headers: BROWSER });
        expect(page.status).toBe(503);
        expect(page.headers.get('retry-after')).toBe('1');
        expect(await page.text()).toContain('The shop is busy, please try again shortly');
      }
      const api = await jar.fetch('/cart/api');
      expect(api.status).toBe(503);
      expect(await api.json()).toEqual({
        error: 'The session store is unavailable. Please retry shortly.',
        code: 'E_SESSION_STORE_UNAVAILABLE',
      });
      const outageLines = shop.app.logs.filter((line) => /unavailable|cannot be reached/i.test(line));
      expect(outageLines).toHaveLength(1);
      expect(outageLines[0]).toContain(`127.0.0.1:${shop.redis.port}`);

      await shop.redis.start();
      const back = await jar.fetch('/cart/api');
      expect(back.status).toBe(200);
      expect(((await back.json()) as { item_count: number }).item_count).toBe(1);
    } finally {
      await shop.close();
    }
  }, 30_000);
});
