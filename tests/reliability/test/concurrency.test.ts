import { afterAll, describe, expect, it } from '@jest/globals';
import { sessionKeyOf } from '@tina4/session-core';
import { ADAPTERS, startTinyApp } from './support/apps.js';
import { captureLogger } from './support/capture-logger.js';
import { cartOf, cartOfWhenUnlocked, newCart, postJson, startCart } from './support/cart-app.js';
import { printFigures } from './support/figures.js';
import { idOf, newSession, readSession, tally, writeUrl } from './support/http.js';
import { availableStores, disposeAll } from './support/stores.js';

/**
 * Concurrency on every store: parallel requests of one session that change different keys all
 * survive (change sets merge), and with `TINA4_SESSION_LOCK` parallel read-modify-writes of one key
 * (the cart) run one after another, or fail with a clear 503, never losing an update silently.
 */

const PARALLEL = 50;
const { targets } = await availableStores();

afterAll(() => disposeAll(targets));

describe.each(targets.map((target) => [target.name, target] as const))(
  'concurrency on the %s store',
  (name, target) => {
    it.each(ADAPTERS)(
      `keeps all ${PARALLEL} keys that ${PARALLEL} parallel requests of one session write (%s)`,
      async (adapter) => {
        const logger = captureLogger();
        const app = await startTinyApp(adapter, await target.options({ logger }));
        try {
          const cookie = await newSession(app.url);
          const responses = await Promise.all(
            Array.from({ length: PARALLEL }, (_, i) =>
              fetch(writeUrl(app.url, `key${i}`, { i, by: adapter }), {
                method: 'POST',
                headers: { cookie },
              }).then(async (response) => {
                await response.arrayBuffer();
                return response.status;
              }),
            ),
          );
          const stored = (await target.backdoor.fields(sessionKeyOf(idOf(cookie)))) ?? {};
          const seen = await readSession(app.url, cookie);
          const keysStored = Object.keys(stored).filter((key) => key.startsWith('key')).length;
          const keysSeen = Object.keys(seen).filter((key) => key.startsWith('key')).length;
          printFigures('concurrency: parallel writes of different keys', `${name} via ${adapter}`, {
            requests: PARALLEL,
            statuses: tally(responses),
            keysStored: `${keysStored}/${PARALLEL}`,
            keysSeen: `${keysSeen}/${PARALLEL}`,
          });
          expect(tally(responses)).toEqual({ 200: PARALLEL });
          expect(keysStored).toBe(PARALLEL);
          expect(keysSeen).toBe(PARALLEL);
          expect(seen.owner).toBe('me');
          for (let i = 0; i < PARALLEL; i++) expect(seen[`key${i}`]).toEqual({ i, by: adapter });
          expect(logger.lines).toEqual([]);
        } finally {
          await app.close();
        }
      },
    );

    it(`with TINA4_SESSION_LOCK=true, ${PARALLEL} parallel POST /cart/add of one product give quantity ${PARALLEL}`, async () => {
      const cart = await startCart(
        await target.options({ env: { TINA4_SESSION_LOCK: 'true', TINA4_SESSION_LOCK_WAIT: '30000' } }),
      );
      try {
        const cookie = await newCart(cart.url);
        const started = performance.now();
        const results = await Promise.all(
          Array.from({ length: PARALLEL }, () =>
            postJson(`${cart.url}/cart/add`, { product_id: 1, quantity: 1 }, cookie),
          ),
        );
        const elapsedMs = Math.round(performance.now() - started);
        const summary = await cartOf(cart.url, cookie);
        const quantity = summary.cart.find((line) => line.product_id === 1)?.quantity;
        printFigures('concurrency: cart adds under the session lock', name, {
          requests: PARALLEL,
          statuses: tally(results.map((result) => result.status)),
          quantity,
          elapsedMs,
        });
        expect(results.every((result) => result.status === 200 || result.status === 201)).toBe(true);
        expect(quantity).toBe(PARALLEL);
        // The line added first is still there, untouched.
        expect(summary.cart.find((line) => line.product_id === 3)?.quantity).toBe(1);
        expect(cart.logger.lines).toEqual([]);
      } finally {
        await cart.close();
      }
    });

    it('answers a clear 503 to a request that cannot get the lock in time, and loses no update', async () => {
      const cart = await startCart(
        await target.options({ env: { TINA4_SESSION_LOCK: 'true', TINA4_SESSION_LOCK_WAIT: '1' } }),
      );
      try {
        const cookie = await newCart(cart.url);
        const results = await Promise.all(
          Array.from({ length: PARALLEL }, () =>
            postJson(`${cart.url}/cart/add`, { product_id: 2, quantity: 1 }, cookie),
          ),
        );
        const succeeded = results.filter((result) => result.status === 200 || result.status === 201).length;
        const refused = results.filter((result) => result.status === 503);
        const summary = await cartOfWhenUnlocked(cart.url, cookie);
        const quantity = summary.cart.find((line) => line.product_id === 2)?.quantity ?? 0;
        printFigures('concurrency: lock wait of 1 ms', name, {
          requests: PARALLEL,
          statuses: tally(results.map((result) => result.status)),
          quantity,
        });
        expect(succeeded + refused.length).toBe(PARALLEL);
        for (const result of refused) {
          expect(result.json).toEqual({
            error: 'Another request of this session is still running. Please retry.',
            code: 'E_SESSION_LOCK_TIMEOUT',
          });
          expect(result.retryAfter).toBe('1');
        }
        // Every update that was answered as done is in the cart, and nothing else.
        expect(quantity).toBe(succeeded);
        expect(summary.cart.find((line) => line.product_id === 3)?.quantity).toBe(1);
      } finally {
        await cart.close();
      }
    });
  },
);
