import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CookieJar } from '@tina4/test-http';
import { flashIn, formTokenIn, startTestApp, type TestApp } from './support/test-app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.close();
});

/** Opens the cart page like a browser and returns its HTML. */
async function cartPage(jar: CookieJar): Promise<string> {
  const response = await jar.page('/cart');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  return response.text();
}

/** Submits one of the page's forms and expects the 303 back to the cart. */
async function submit(jar: CookieJar, path: string, fields: Record<string, string>): Promise<void> {
  const token = formTokenIn(await cartPage(jar));
  const response = await jar.postForm(path, { form_token: token, ...fields });
  expect(response.status).toBe(303);
  expect(response.headers.get('location')).toBe('/cart');
}

async function cartJson(jar: CookieJar): Promise<{ item_count: number; grand_total: number }> {
  return (await jar.fetch('/cart/api')).json() as Promise<{ item_count: number; grand_total: number }>;
}

describe('the cart page', () => {
  it('lists the five products with add forms and an empty cart', async () => {
    const html = await cartPage(app.jar());
    for (const name of ['Wireless Keyboard', 'USB-C Hub', 'Monitor Stand', 'Mechanical Mouse', 'Desk Lamp']) {
      expect(html).toContain(name);
    }
    expect(html.match(/action="\/cart\/add"/g)).toHaveLength(5);
    expect(html).toContain('$129.99');
    expect(html).toContain('Your cart is empty.');
    expect(html).toContain('href="/static/shop.css"');
  });

  it('redirects / to the shop', async () => {
    const response = await app.jar().page('/');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/cart');
  });

  it('adds through the form, shows the flash once, and totals the lines', async () => {
    const jar = app.jar();
    await submit(jar, '/cart/add', { product_id: '1', quantity: '2' });
    await submit(jar, '/cart/add', { product_id: '3', quantity: '1' });

    const first = await cartPage(jar);
    expect(flashIn(first)).toEqual({ type: 'success', message: 'Added Monitor Stand to cart' });
    expect(first).toContain('$159.98'); // line total of 2 × 79.99
    expect(first).toContain('$129.99');
    expect(first).toMatch(/data-testid="grand-total">\$289\.97</);
    expect(first).toMatch(/data-testid="item-count">3</);
    expect(first).toMatch(/data-testid="cart-count">3</);

    const refreshed = await cartPage(jar);
    expect(flashIn(refreshed)).toBeUndefined();
    expect(refreshed).toMatch(/data-testid="grand-total">\$289\.97</);
  });

  it('shows the flash of a JSON change on the next page, once', async () => {
    const jar = app.jar();
    await jar.postJson('/cart/add', { product_id: 5, quantity: 1 });
    expect(flashIn(await cartPage(jar))).toEqual({ type: 'success', message: 'Added Desk Lamp to cart' });
    expect(flashIn(await cartPage(jar))).toBeUndefined();
  });

  it('updates, removes and clears through the forms', async () => {
    const jar = app.jar();
    await submit(jar, '/cart/add', { product_id: '2', quantity: '1' });
    await submit(jar, '/cart/add', { product_id: '4', quantity: '1' });

    await submit(jar, '/cart/update', { product_id: '2', quantity: '4' });
    let html = await cartPage(jar);
    expect(flashIn(html)?.message).toBe('Updated USB-C Hub quantity to 4');
    expect(await cartJson(jar)).toMatchObject({ item_count: 5, grand_total: 259.95 });

    await submit(jar, '/cart/remove', { product_id: '4' });
    html = await cartPage(jar);
    expect(flashIn(html)?.message).toBe('Removed Mechanical Mouse from cart');
    expect(await cartJson(jar)).toMatchObject({ item_count: 4, grand_total: 199.96 });

    await submit(jar, '/cart/clear', {});
    html = await cartPage(jar);
    expect(flashIn(html)).toEqual({ type: 'info', message: 'Cart cleared' });
    expect(html).toContain('Your cart is empty.');
  });

  it('answers a refused form change with an error flash and leaves the cart alone', async () => {
    const jar = app.jar();
    await submit(jar, '/cart/add', { product_id: '1', quantity: '1' });
    await cartPage(jar); // reads the "Added" flash

    for (const [path, fields, message] of [
      ['/cart/add', { product_id: '1', quantity: '0' }, 'Quantity must be at least 1.'],
      ['/cart/add', { product_id: '1', quantity: 'many' }, 'quantity must be a whole number.'],
      ['/cart/add', { product_id: '77', quantity: '1' }, 'Product not found'],
      ['/cart/update', { product_id: '1', quantity: '100000' }, 'Quantity must be at most 999.'],
      ['/cart/remove', { product_id: '2' }, 'Product not in cart'],
    ] as const) {
      await submit(jar, path, fields);
      expect(flashIn(await cartPage(jar))).toEqual({ type: 'error', message });
    }
    expect(await cartJson(jar)).toMatchObject({ item_count: 1, grand_total: 79.99 });
  });

  it('refuses a form post without the form token (403) and leaves the cart alone', async () => {
    const jar = app.jar();
    await submit(jar, '/cart/add', { product_id: '1', quantity: '1' });
    const forged = await jar.postForm('/cart/clear', {});
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('This form has expired or did not come from this site.');
    const wrong = await jar.postForm('/cart/add', {
      product_id: '1',
      quantity: '5',
      form_token: 'x'.repeat(43),
    });
    expect(wrong.status).toBe(403);
    expect(await cartJson(jar)).toMatchObject({ item_count: 1 });
  });

  it('answers a browser 404 with a page', async () => {
    const response = await app.jar().page('/no-such-page');
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('We could not find that page');
  });
});
