import { afterAll, describe, expect, it } from '@jest/globals';
import { type CartSummary, cartOf, newCart, startCart } from './support/cart-app.js';
import { printFigures } from './support/figures.js';
import { tally } from './support/http.js';
import { type Random, seededRandom } from './support/random.js';
import { availableStores, disposeAll } from './support/stores.js';

/**
 * The cart example's endpoints under random bodies, on every store: every answer is a success or
 * a 4xx with a clear message (never a 5xx), a refused request leaves the cart exactly as it was,
 * and the cart is always a valid one (catalogue products, sane quantities, consistent totals).
 */

const REQUESTS_PER_STORE = Number(process.env.RELIABILITY_CART_CASES) || 150;
const ENDPOINTS = ['/cart/add', '/cart/update', '/cart/remove'] as const;
const CATALOGUE: Record<number, { name: string; cents: number }> = {
  1: { name: 'Wireless Keyboard', cents: 7999 },
  2: { name: 'USB-C Hub', cents: 4999 },
  3: { name: 'Monitor Stand', cents: 12999 },
  4: { name: 'Mechanical Mouse', cents: 5999 },
  5: { name: 'Desk Lamp', cents: 3999 },
};

const random = seededRandom();
const { targets } = await availableStores();
afterAll(() => disposeAll(targets));

/** Values that make interesting `product_id`s and `quantity`s. */
const ODD_VALUES: unknown[] = [
  1,
  2,
  3,
  4,
  5,
  0,
  -1,
  6,
  999,
  1000,
  1e30,
  -0,
  1.5,
  '1',
  '01',
  ' 2 ',
  'abc',
  '1e3',
  '0x10',
  null,
  true,
  [],
  {},
  '',
  'NaN',
  Number.MAX_SAFE_INTEGER,
  2 ** 53 + 2,
  '+1',
  '-5',
  '9'.repeat(20),
  [1],
  { $gt: 0 },
  '1; DROP TABLE sessions',
];

function randomJson(r: Random, depth = 0): unknown {
  const kind = r.int(0, depth > 3 ? 3 : 6);
  if (kind === 0) return r.pick(ODD_VALUES);
  if (kind === 1) return r.string('abc"\\{}[]:, \u0000é', r.int(0, 20));
  if (kind === 2) return r.next() * 10 ** r.int(0, 20) * (r.chance(0.5) ? -1 : 1);
  if (kind === 3) return r.pick([null, true, false]);
  if (kind === 4) return Array.from({ length: r.int(0, 4) }, () => randomJson(r, depth + 1));
  return Object.fromEntries(
    Array.from({ length: r.int(0, 4) }, () => [
      r.pick(['product_id', 'quantity', 'x', '__proto__', 'constructor', 'cart']),
      randomJson(r, depth + 1),
    ]),
  );
}

/** A random request body with its content type (or none). */
function randomBody(r: Random): { type: string | undefined; body: string } {
  const shape = r.int(0, 9);
  if (shape <= 4) {
    const fields: Record<string, unknown> = {};
    if (r.chance(0.85)) fields.product_id = r.pick(ODD_VALUES);
    if (r.chance(0.7)) fields.quantity = r.pick(ODD_VALUES);
    if (r.chance(0.1)) fields.extra = randomJson(r);
    return { type: 'application/json', body: JSON.stringify(fields) };
  }
  if (shape === 5) return { type: 'application/json', body: JSON.stringify(randomJson(r)) ?? 'null' };
  if (shape === 6) {
    return {
      type: 'application/json',
      body: r.pick([
        '{',
        '{"product_id": 1,}',
        "{'product_id': 1}",
        'nul',
        '\u0000',
        '{"product_id": 1}{"quantity": 2}',
        `${'['.repeat(5000)}${']'.repeat(5000)}`,
        JSON.stringify({ product_id: 1, quantity: 1, pad: 'x'.repeat(20_000) }),
        '{"__proto__": {"product_id": 1, "quantity": 1}}',
      ]),
    };
  }
  if (shape === 7) {
    return {
      type: 'application/x-www-form-urlencoded',
      body: r.pick([
        'product_id=1&quantity=2',
        'product_id=1&product_id=2',
        'quantity=%zz',
        `product_id=${'1'.repeat(5000)}`,
        '',
      ]),
    };
  }
  return {
    type: r.pick([
      undefined,
      'text/plain',
      'multipart/form-data; boundary=x',
      'application/xml',
      'application/json; charset=utf-16',
    ]),
    body: r.pick(['product_id=1', '{"product_id": 1, "quantity": 1}', '<cart/>', '--x\r\n\r\n--x--']),
  };
}

/** Why `summary` is not a valid cart, or undefined. */
function invalidCart(summary: CartSummary): string | undefined {
  let totalCents = 0;
  let items = 0;
  const seen = new Set<number>();
  for (const line of summary.cart) {
    const product = CATALOGUE[line.product_id];
    if (!product || seen.has(line.product_id)) return `unexpected line ${JSON.stringify(line)}`;
    seen.add(line.product_id);
    if (line.name !== product.name || Math.round(line.price * 100) !== product.cents)
      return `wrong product data ${JSON.stringify(line)}`;
    if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > 999)
      return `bad quantity ${line.quantity}`;
    if (Math.round(line.line_total * 100) !== product.cents * line.quantity)
      return `bad line total ${JSON.stringify(line)}`;
    totalCents += product.cents * line.quantity;
    items += line.quantity;
  }
  if (Math.round(summary.grand_total * 100) !== totalCents)
    return `grand total ${summary.grand_total}, lines add up to ${totalCents / 100}`;
  if (summary.item_count !== items) return `item count ${summary.item_count}, lines add up to ${items}`;
  return undefined;
}

describe.each(targets.map((target) => [target.name, target] as const))(
  'the cart example on the %s store',
  (name, target) => {
    it(`answers ${REQUESTS_PER_STORE} random bodies with successes or clear 4xx, and never corrupts the cart`, async () => {
      const cart = await startCart(await target.options());
      const statuses: number[] = [];
      const problems: string[] = [];
      try {
        const cookie = await newCart(cart.url);
        let before = await cartOf(cart.url, cookie);
        for (let i = 0; i < REQUESTS_PER_STORE; i++) {
          const endpoint = random.pick(ENDPOINTS);
          const { type, body } = randomBody(random);
          const response = await fetch(`${cart.url}${endpoint}`, {
            method: 'POST',
            headers: { cookie, accept: 'application/json', ...(type && { 'content-type': type }) },
            body,
          });
          const text = await response.text();
          statuses.push(response.status);
          const after = await cartOf(cart.url, cookie);
          const label = `${endpoint} ${type ?? '(no type)'} ${body.slice(0, 80)} -> ${response.status}`;
          if (response.status >= 500) problems.push(`${label}: ${text.slice(0, 200)}`);
          if (response.status >= 400 && response.status < 500) {
            // JSON clients get {"error": ...}; a form post gets the error page (the browser's view).
            const html = response.headers.get('content-type')?.startsWith('text/html') ?? false;
            const error = html
              ? (/<h1[^>]*>([^<]+)</.exec(text)?.[1] ?? text)
              : (JSON.parse(text) as { error?: unknown }).error;
            if (typeof error !== 'string' || error.trim().length < 5)
              problems.push(`${label}: unclear error ${text.slice(0, 200)}`);
            if (JSON.stringify(after) !== JSON.stringify(before))
              problems.push(`${label}: a refused request changed the cart`);
          }
          const invalid = invalidCart(after);
          if (invalid) problems.push(`${label}: ${invalid}`);
          before = after;
        }
        printFigures('bad input: cart endpoints under random bodies', name, {
          requests: REQUESTS_PER_STORE,
          seed: random.seed,
          statuses: tally(statuses),
          problems: problems.length,
          finalCart: before.cart.map((line) => `${line.product_id}x${line.quantity}`).join(','),
        });
        expect(problems.slice(0, 20)).toEqual([]);
        expect(cart.logger.lines.filter((line) => line.level === 'error')).toEqual([]);
      } finally {
        await cart.close();
      }
    });
  },
);
