import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { startCart } from './support/cart-app.js';
import { printFigures } from './support/figures.js';
import { SESSION_COOKIE, tally } from './support/http.js';
import { runLoad } from './support/load.js';
import { fileTarget } from './support/stores.js';

/**
 * Anonymous floods of the cart example on the file store: visitors without cookies who only look
 * at pages (a crawler, a load balancer's health check, a bored script) must cost no session, so
 * no session file and no session cookie, however many they are. Every page still carries its
 * form token: it lives in a signed cookie of its own, not in the session.
 */

const CART_VIEWS = Number(process.env.RELIABILITY_FLOOD_VIEWS) || 20_000;
/** The other pages, each viewed a tenth as often as the shop. */
const OTHER_PAGES = [
  '/',
  '/login',
  '/login?next=%2Fcart',
  '/preferences',
  '/dashboard',
  '/no-such-page',
  '/cart/api',
  '/api/preferences',
];
const CONCURRENCY = 16;

const directory = await mkdtemp(join(tmpdir(), 'tina4-reliability-floods-'));
const target = await fileTarget(directory);
afterAll(() => target.dispose());

describe('the cart example under anonymous floods, on the file store', () => {
  it(`serves ${CART_VIEWS} cookie-less views of /cart, and of the other pages, without creating a session`, async () => {
    const cart = await startCart(await target.options());
    const paths = [
      ...Array<string>(CART_VIEWS).fill('/cart'),
      ...OTHER_PAGES.flatMap((path) => Array<string>(Math.ceil(CART_VIEWS / 10)).fill(path)),
    ];
    const statuses: number[] = [];
    let sessionCookies = 0;
    let pagesWithoutToken = 0;
    const started = performance.now();
    try {
      const samples = await runLoad({
        total: paths.length,
        concurrency: CONCURRENCY,
        async request(_worker, sequence) {
          const path = paths[sequence]!;
          const response = await fetch(`${cart.url}${path}`, {
            redirect: 'manual',
            headers: { accept: path.includes('api') ? 'application/json' : 'text/html' },
          });
          const body = await response.text();
          statuses.push(response.status);
          if (response.headers.getSetCookie().some((line) => line.startsWith(`${SESSION_COOKIE}=`))) {
            sessionCookies++;
          }
          if (path === '/cart' && !/name="form_token" value="[^"]+"/.test(body)) pagesWithoutToken++;
          return response.status;
        },
      });
      const seconds = (performance.now() - started) / 1000;
      const sessionFiles = (await readdir(directory)).filter((name) => name.startsWith('sess-')).length;
      printFigures('floods: anonymous page views', 'file', {
        requests: samples.length,
        cartViews: CART_VIEWS,
        otherPages: OTHER_PAGES.length,
        concurrency: CONCURRENCY,
        statuses: tally(statuses),
        networkErrors: samples.filter((sample) => sample.status === 'network-error').length,
        sessionFiles,
        sessionCookies,
        cartPagesWithoutFormToken: pagesWithoutToken,
        seconds: seconds.toFixed(1),
        perSecond: Math.round(samples.length / seconds),
      });
      expect(samples.filter((sample) => sample.status === 'network-error')).toEqual([]);
      expect(statuses.filter((status) => status >= 500)).toEqual([]);
      expect(sessionFiles).toBe(0);
      expect(sessionCookies).toBe(0);
      expect(pagesWithoutToken).toBe(0);
      expect(cart.logger.lines.filter((line) => line.level === 'error')).toEqual([]);
    } finally {
      await cart.close();
    }
  }, 600_000);
});
