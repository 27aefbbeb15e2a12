import type { Session } from '@tina4/session-core';
import { findProduct, type Product } from '../products.js';
import { centsToAmount } from './money.js';

/** The session key that holds the cart. */
export const CART_KEY = 'cart';

/** Most units of one product a cart may hold: more is a typo or an attack, not an order. */
export const MAX_QUANTITY = 999;

/** One cart line as stored in the session (the chapter's shape). */
export type CartItem = { product_id: number; name: string; price: number; quantity: number };

/** A cart line with its total, as `/cart/api` returns it. */
export type CartLine = CartItem & { line_total: number };

/** The whole cart with its totals, as `/cart/api` returns it. */
export type CartSummary = { cart: CartLine[]; grand_total: number; item_count: number };

/** A cart line joined with its catalogue entry. */
interface Line {
  readonly product: Product;
  readonly quantity: number;
}

/**
 * The cart of a session, held as catalogue products and quantities. Names and prices always come
 * from the catalogue, so whatever is stored cannot change what a product costs, and a stored line
 * that is not a valid product and quantity is dropped rather than breaking the page.
 */
export class Cart {
  readonly #lines: Line[];

  private constructor(lines: Line[]) {
    this.#lines = lines;
  }

  /** The cart stored in `session` (empty when there is none). */
  static of(session: Session): Cart {
    const stored = session.get(CART_KEY, []);
    const lines: Line[] = [];
    if (Array.isArray(stored)) {
      for (const entry of stored) {
        if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) continue;
        const { product_id: id, quantity } = entry;
        const product = typeof id === 'number' ? findProduct(id) : undefined;
        if (product && isValidQuantity(quantity) && !lines.some((line) => line.product.id === id)) {
          lines.push({ product, quantity });
        }
      }
    }
    return new Cart(lines);
  }

  /** Quantity of `productId` in the cart, 0 when absent. */
  quantityOf(productId: number): number {
    return this.#lines.find((line) => line.product.id === productId)?.quantity ?? 0;
  }

  has(productId: number): boolean {
    return this.quantityOf(productId) > 0;
  }

  /** The cart with `quantity` of `product`: a new line at the end, or the existing line replaced in place. */
  withQuantity(product: Product, quantity: number): Cart {
    if (quantity < 1) return this.without(product.id);
    const index = this.#lines.findIndex((line) => line.product.id === product.id);
    const lines = [...this.#lines];
    if (index === -1) lines.push({ product, quantity });
    else lines[index] = { product, quantity };
    return new Cart(lines);
  }

  without(productId: number): Cart {
    return new Cart(this.#lines.filter((line) => line.product.id !== productId));
  }

  static empty(): Cart {
    return new Cart([]);
  }

  /** Stores the cart in `session`, replacing the previous one. */
  saveTo(session: Session): void {
    session.set(CART_KEY, this.items());
  }

  /** The stored shape: `{ product_id, name, price, quantity }` per line. */
  items(): CartItem[] {
    return this.#lines.map(({ product, quantity }) => ({
      product_id: product.id,
      name: product.name,
      price: centsToAmount(product.priceCents),
      quantity,
    }));
  }

  /** Lines with totals, the grand total and the number of units, all computed in cents. */
  summary(): CartSummary {
    let totalCents = 0;
    let itemCount = 0;
    const cart = this.#lines.map(({ product, quantity }) => {
      const lineCents = product.priceCents * quantity;
      totalCents += lineCents;
      itemCount += quantity;
      return {
        product_id: product.id,
        name: product.name,
        price: centsToAmount(product.priceCents),
        quantity,
        line_total: centsToAmount(lineCents),
      };
    });
    return { cart, grand_total: centsToAmount(totalCents), item_count: itemCount };
  }
}

function isValidQuantity(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_QUANTITY;
}
