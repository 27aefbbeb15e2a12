import { HttpError } from '../http/http-error.js';
import { MAX_QUANTITY } from './cart.js';

/** What a cart request asks for, once validated. */
export interface CartInput {
  readonly productId: number;
  /** Absent when the request did not give one. */
  readonly quantity: number | undefined;
}

/** Decimal digits with an optional sign, as an HTML form sends a number. */
const INTEGER_TEXT = /^[+-]?\d{1,15}$/;

/**
 * Reads `product_id` and `quantity` from a JSON or form body. JSON numbers and the digit strings
 * of HTML forms are accepted; anything else (missing ids, "abc", 1.5, true, arrays, 1e30) is a 400
 * that names the field, thrown before the cart is touched.
 */
export function readCartInput(
  body: unknown,
  options: { quantityRequired: true },
): CartInput & { quantity: number };
export function readCartInput(body: unknown, options: { quantityRequired: false }): CartInput;
export function readCartInput(body: unknown, { quantityRequired }: { quantityRequired: boolean }): CartInput {
  if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
    throw new HttpError(
      400,
      'The request body must be a JSON object or a form, e.g. {"product_id": 1, "quantity": 2}.',
    );
  }
  const fields = (body ?? {}) as Record<string, unknown>;
  const productId = readInteger(fields, 'product_id');
  if (productId === undefined) throw new HttpError(400, 'product_id is required.');
  const quantity = readInteger(fields, 'quantity');
  if (quantity === undefined && quantityRequired) throw new HttpError(400, 'quantity is required.');
  return { productId, quantity };
}

/** A 400 unless `quantity` is between `min` and {@link MAX_QUANTITY}: more is a typo or an attack, not an order. */
export function assertQuantityInRange(quantity: number, min: number): void {
  if (quantity < min) throw new HttpError(400, `Quantity must be at least ${min}.`);
  if (quantity > MAX_QUANTITY) throw new HttpError(400, `Quantity must be at most ${MAX_QUANTITY}.`);
}

function readInteger(fields: Record<string, unknown>, name: string): number | undefined {
  if (!Object.hasOwn(fields, name)) return undefined;
  const value = fields[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && INTEGER_TEXT.test(value.trim())) return Number(value.trim());
  throw new HttpError(400, `${name} must be a whole number.`);
}
