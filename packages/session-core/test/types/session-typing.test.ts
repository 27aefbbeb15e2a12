import { describe, expect, it } from '@jest/globals';
import type { Session } from '../../src/index.js';
import { memoryManager, openRequest } from '../support/manager.js';

/** Compile-time checks (run by `tsc --noEmit`) with a run-time smoke test so the file is a real test. */
describe('Session typing', () => {
  it('is loose when untyped and checked when the data shape is declared', async () => {
    const { session } = await openRequest(memoryManager());

    // Untyped: the chapter's code compiles as written.
    const count = session.get('visit_count', 0) + 1;
    session.set('visit_count', count);

    type Cart = { cart: { product_id: number; quantity: number }[]; owner: string };
    const typed = session as unknown as Session<Cart>;
    typed.set('cart', [{ product_id: 1, quantity: 2 }]);
    const items: { product_id: number; quantity: number }[] = typed.get('cart', []);
    // @ts-expect-error: a declared key takes only its declared type
    typed.set('owner', 42);
    // @ts-expect-error: undeclared keys are refused
    typed.get('nope');

    expect(count).toBe(1);
    expect(items).toEqual([{ product_id: 1, quantity: 2 }]);
  });
});
