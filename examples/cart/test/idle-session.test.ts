import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CookieJar } from '@tina4/test-http';
import { flashIn, formTokenIn, hiddenFieldsOf, startTestApp, type TestApp } from './support/test-app.js';

/**
 * A shopper who comes back after the session expired (here a 1-second TTL stands for the hour)
 * and presses a button of the page still open: the click does what it meant, on a new cart, and
 * the page says why the old cart is gone, instead of a bare 403.
 */

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ session: { ttl: 1 } });
});
afterAll(async () => {
  await app.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A browser with one keyboard in its cart and the cart page open; then the session expires. */
async function idleShopper(options: {
  browserDropsCookie: boolean;
}): Promise<{ jar: CookieJar; page: string }> {
  const jar = app.jar();
  const token = formTokenIn(await (await jar.page('/cart')).text());
  expect(
    (await jar.postForm('/cart/add', { form_token: token, product_id: '1', quantity: '1' })).status,
  ).toBe(303);
  const page = await (await jar.page('/cart')).text();
  expect(page).toMatch(/data-testid="item-count">1</);
  await sleep(2200);
  // A browser deletes the cookie when its Max-Age (the TTL) runs out; a stale one is no better.
  if (options.browserDropsCookie) jar.delete('tina4_session');
  return { jar, page };
}

async function cartOf(
  jar: CookieJar,
): Promise<{ item_count: number; cart: { product_id: number; quantity: number }[] }> {
  return (await jar.fetch('/cart/api')).json() as Promise<{
    item_count: number;
    cart: { product_id: number; quantity: number }[];
  }>;
}

describe('a form post after the session expired', () => {
  for (const browserDropsCookie of [true, false]) {
    it(`"Add" adds the item to a new cart and says the old one expired (${browserDropsCookie ? 'cookie gone' : 'stale cookie'})`, async () => {
      const { jar, page } = await idleShopper({ browserDropsCookie });
      const response = await jar.postForm('/cart/add', {
        ...hiddenFieldsOf(page, '/cart/add', 3),
        quantity: '2',
      });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/cart');
      const html = await (await jar.page('/cart')).text();
      expect(flashIn(html)).toEqual({
        type: 'warning',
        message:
          'Your session had expired, so your cart was emptied. We added 2 × Monitor Stand to a new cart.',
      });
      expect(await cartOf(jar)).toMatchObject({ item_count: 2, cart: [{ product_id: 3, quantity: 2 }] });
    }, 15_000);
  }

  it('"Update" puts the chosen quantity in a new cart', async () => {
    const { jar, page } = await idleShopper({ browserDropsCookie: true });
    const response = await jar.postForm('/cart/update', {
      ...hiddenFieldsOf(page, '/cart/update', 1),
      quantity: '3',
    });
    expect(response.status).toBe(303);
    const html = await (await jar.page('/cart')).text();
    expect(flashIn(html)?.message).toBe(
      'Your session had expired, so your cart was emptied. We added 3 × Wireless Keyboard to a new cart.',
    );
    expect(await cartOf(jar)).toMatchObject({ item_count: 3 });
  }, 15_000);

  it('"Remove" and "Clear cart" say the cart was already empty', async () => {
    const [remover, clearer] = await Promise.all([
      idleShopper({ browserDropsCookie: true }),
      idleShopper({ browserDropsCookie: true }),
    ]);
    await remover.jar.postForm('/cart/remove', hiddenFieldsOf(remover.page, '/cart/remove', 1));
    expect(flashIn(await (await remover.jar.page('/cart')).text())?.message).toBe(
      'Your session had expired, so your cart was emptied: there was nothing left to remove.',
    );
    await clearer.jar.postForm('/cart/clear', hiddenFieldsOf(clearer.page, '/cart/clear'));
    expect(flashIn(await (await clearer.jar.page('/cart')).text())?.message).toBe(
      'Your session had expired, so your cart was already empty.',
    );
    expect(await cartOf(remover.jar)).toMatchObject({ item_count: 0 });
    expect(await cartOf(clearer.jar)).toMatchObject({ item_count: 0 });
  }, 15_000);

  it('a page without a session (a first visit) adds as usual, with no word about expiry', async () => {
    const jar = app.jar();
    const page = await (await jar.page('/cart')).text();
    await jar.postForm('/cart/add', { ...hiddenFieldsOf(page, '/cart/add', 5), quantity: '1' });
    expect(flashIn(await (await jar.page('/cart')).text())).toEqual({
      type: 'success',
      message: 'Added Desk Lamp to cart',
    });
  });
});
