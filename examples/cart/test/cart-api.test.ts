import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CookieJar } from '@tina4/test-http';
import { startTestApp, type TestApp } from './support/test-app.js';

/** The exact answer the chapter expects after adding 2 × product 1 and 1 × product 3. */
const CHAPTER_CART =
  '{"cart":[{"product_id":1,"name":"Wireless Keyboard","price":79.99,"quantity":2,"line_total":159.98},' +
  '{"product_id":3,"name":"Monitor Stand","price":129.99,"quantity":1,"line_total":129.99}],' +
  '"grand_total":289.97,"item_count":3}';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.close();
});

/** A cart holding the chapter's two lines. */
async function chapterCart(): Promise<CookieJar> {
  const jar = app.jar();
  expect((await jar.postJson('/cart/add', { product_id: 1, quantity: 2 })).status).toBe(201);
  expect((await jar.postJson('/cart/add', { product_id: 3, quantity: 1 })).status).toBe(201);
  return jar;
}

async function cartText(jar: CookieJar): Promise<string> {
  const response = await jar.fetch('/cart/api');
  expect(response.status).toBe(200);
  return response.text();
}

describe("the chapter's curl sequence", () => {
  it('adds, shows, updates, removes and clears with a cookie jar', async () => {
    const jar = app.jar();

    const first = await jar.postJson('/cart/add', { product_id: 1, quantity: 2 });
    expect(first.status).toBe(201);
    expect(first.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await first.json()).toMatchObject({ message: 'Added Wireless Keyboard to cart', item_count: 2 });
    expect(jar.cookie('tina4_session')).toMatch(/^[\w-]{43}$/);

    const second = await jar.postJson('/cart/add', { product_id: 3, quantity: 1 });
    expect(second.status).toBe(201);

    expect(await cartText(jar)).toBe(CHAPTER_CART);

    const update = await jar.postJson('/cart/update', { product_id: 1, quantity: 3 });
    expect(update.status).toBe(200);
    expect(await update.json()).toMatchObject({
      message: 'Updated Wireless Keyboard quantity to 3',
      grand_total: 369.96,
      item_count: 4,
    });
    // 3 × 79.99 in floating point is 239.96999999999997; in cents it is exactly 239.97.
    expect(JSON.parse(await cartText(jar)).cart[0]).toEqual({
      product_id: 1,
      name: 'Wireless Keyboard',
      price: 79.99,
      quantity: 3,
      line_total: 239.97,
    });

    const remove = await jar.postJson('/cart/remove', { product_id: 3 });
    expect(remove.status).toBe(200);
    expect(await remove.json()).toMatchObject({ message: 'Removed Monitor Stand from cart', item_count: 3 });

    // `curl -X POST /cart/clear`: no body, no content type.
    const clear = await jar.fetch('/cart/clear', { method: 'POST' });
    expect(clear.status).toBe(200);
    expect(await clear.json()).toEqual({ message: 'Cart cleared', cart: [], grand_total: 0, item_count: 0 });
    expect(await cartText(jar)).toBe('{"cart":[],"grand_total":0,"item_count":0}');
  });

  it('gives an empty cart to a new visitor without creating a session', async () => {
    const jar = app.jar();
    const response = await jar.fetch('/cart/api');
    expect(await response.text()).toBe('{"cart":[],"grand_total":0,"item_count":0}');
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('keeps each browser its own cart', async () => {
    const alice = await chapterCart();
    const bob = app.jar();
    await bob.postJson('/cart/add', { product_id: 5, quantity: 1 });
    expect(await cartText(alice)).toBe(CHAPTER_CART);
    expect(JSON.parse(await cartText(bob))).toMatchObject({ grand_total: 39.99, item_count: 1 });
  });
});

describe('cart rules', () => {
  it('adds to the quantity of a product already in the cart (200, not 201)', async () => {
    const jar = await chapterCart();
    const again = await jar.postJson('/cart/add', { product_id: 1, quantity: 1 });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({
      message: 'Updated Wireless Keyboard quantity to 3',
      item_count: 4,
    });
  });

  it('adds one when no quantity is given, as the chapter does', async () => {
    const jar = app.jar();
    expect((await jar.postJson('/cart/add', { product_id: 2 })).status).toBe(201);
    expect(JSON.parse(await cartText(jar))).toMatchObject({ item_count: 1, grand_total: 49.99 });
  });

  it('removes a line whose quantity is updated below 1', async () => {
    const jar = await chapterCart();
    const response = await jar.postJson('/cart/update', { product_id: 3, quantity: 0 });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      message: 'Removed Monitor Stand from cart',
      item_count: 2,
    });
  });

  it('keeps money exact across all products', async () => {
    const jar = app.jar();
    for (const [id, quantity] of [
      [1, 7],
      [2, 3],
      [3, 11],
      [4, 1],
      [5, 9],
    ]) {
      await jar.postJson('/cart/add', { product_id: id, quantity });
    }
    // 7×79.99 + 3×49.99 + 11×129.99 + 59.99 + 9×39.99 = 2559.69 exactly.
    expect(JSON.parse(await cartText(jar))).toMatchObject({ grand_total: 2559.69, item_count: 31 });
  });

  it('answers 404 for unknown products and products not in the cart', async () => {
    const jar = await chapterCart();
    for (const [path, body, error] of [
      ['/cart/add', { product_id: 99, quantity: 1 }, 'Product not found'],
      ['/cart/update', { product_id: 2, quantity: 1 }, 'Product not in cart'],
      ['/cart/update', { product_id: 99, quantity: 1 }, 'Product not in cart'],
      ['/cart/remove', { product_id: 5 }, 'Product not in cart'],
    ] as const) {
      const response = await jar.postJson(path, body);
      expect([path, response.status]).toEqual([path, 404]);
      expect(await response.text()).toBe(JSON.stringify({ error }));
    }
    expect(await cartText(jar)).toBe(CHAPTER_CART);
  });
});

describe('bad requests: 400 with a clear error, and the cart unchanged', () => {
  const cases: [name: string, path: string, init: RequestInit, error: RegExp][] = [
    ['invalid JSON', '/cart/add', json('{"product_id": 1,'), /not valid JSON/],
    ['a JSON string body', '/cart/add', json('"1"'), /not valid JSON/],
    ['a JSON array body', '/cart/add', json('[1, 2]'), /must be a JSON object/],
    ['no product_id', '/cart/add', json('{"quantity": 1}'), /product_id is required/],
    [
      'an empty body',
      '/cart/add',
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      /product_id is required/,
    ],
    [
      'a non-numeric product_id',
      '/cart/add',
      json('{"product_id": "abc", "quantity": 1}'),
      /product_id must be a whole number/,
    ],
    [
      'a fractional product_id',
      '/cart/add',
      json('{"product_id": 1.5}'),
      /product_id must be a whole number/,
    ],
    ['a boolean product_id', '/cart/add', json('{"product_id": true}'), /product_id must be a whole number/],
    [
      'a string quantity',
      '/cart/add',
      json('{"product_id": 1, "quantity": "two"}'),
      /quantity must be a whole number/,
    ],
    [
      'a fractional quantity',
      '/cart/add',
      json('{"product_id": 1, "quantity": 2.5}'),
      /quantity must be a whole number/,
    ],
    ['a zero quantity', '/cart/add', json('{"product_id": 1, "quantity": 0}'), /at least 1/],
    ['a negative quantity', '/cart/add', json('{"product_id": 1, "quantity": -3}'), /at least 1/],
    ['a huge quantity', '/cart/add', json('{"product_id": 1, "quantity": 1000}'), /at most 999/],
    [
      'an absurd quantity',
      '/cart/add',
      json('{"product_id": 1, "quantity": 1e30}'),
      /quantity must be a whole number/,
    ],
    [
      'a quantity beyond the cap in total',
      '/cart/add',
      json('{"product_id": 1, "quantity": 998}'),
      /at most 999 of Wireless Keyboard/,
    ],
    ['update without quantity', '/cart/update', json('{"product_id": 1}'), /quantity is required/],
    ['update to a huge quantity', '/cart/update', json('{"product_id": 1, "quantity": 5000}'), /at most 999/],
    [
      'update with a string quantity',
      '/cart/update',
      json('{"product_id": 1, "quantity": "lots"}'),
      /whole number/,
    ],
    ['remove without product_id', '/cart/remove', json('{}'), /product_id is required/],
    [
      'text/plain',
      '/cart/add',
      { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'product_id=1' },
      /Unsupported Content-Type "text\/plain"/,
    ],
    ['multipart', '/cart/add', multipart(), /Unsupported Content-Type "multipart\/form-data/],
    [
      'a body without content type',
      '/cart/clear',
      { method: 'POST', body: new Uint8Array([123, 125]) },
      /Unsupported Content-Type "none"/,
    ],
  ];

  it.each(cases)('%s', async (_name, path, init, error) => {
    const jar = await chapterCart();
    const response = await jar.fetch(path, init);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await response.json()) as { error: string }).toEqual({ error: expect.stringMatching(error) });
    expect(await cartText(jar)).toBe(CHAPTER_CART);
  });

  it('refuses a body above 16 KiB with 413', async () => {
    const jar = await chapterCart();
    const response = await jar.postJson('/cart/add', { product_id: 1, padding: 'x'.repeat(20_000) });
    expect(response.status).toBe(413);
    expect(await cartText(jar)).toBe(CHAPTER_CART);
  });
});

describe('unknown paths', () => {
  it('answers 404 JSON to API clients', async () => {
    const response = await app.jar().fetch('/nope');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'Not found' });
  });
});

function json(body: string): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body };
}

function multipart(): RequestInit {
  const form = new FormData();
  form.set('product_id', '1');
  return { method: 'POST', body: form };
}
