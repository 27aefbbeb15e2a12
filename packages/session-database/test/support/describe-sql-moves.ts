import { describe, expect, it } from '@jest/globals';
import { applyChangeSet } from '@tina4/session-core';
import { newKey } from '@tina4/session-core/testing';
import { isUniqueViolation } from '../../src/sql-errors.js';
import { change, corruptRow, expireRow, LONG, type SqlTestContext, TTL } from './sql-test-context.js';

const copy = (fields: Readonly<Record<string, string>>) => ({ ...fields });

/**
 * Regenerate (`move`) and `create` on SQL beyond the compliance suite: across separate pools (as
 * separate processes would be), with updates racing the move, with expired, live and unreadable
 * rows in the way.
 */
export function describeSqlMoves(context: SqlTestContext): void {
  const { backdoor } = context;

  describe('moves', () => {
    it('of two stores (separate pools) moving one row at once, exactly one succeeds', async () => {
      const [one, other] = [await context.open(), await context.open()];
      for (let round = 0; round < 5; round++) {
        const [key, first, second] = [newKey(), newKey(), newKey()];
        await one.create(key, { a: '1' }, LONG);
        const results = await Promise.all([
          one.move(key, first, (fields) => ({ ...fields, by: '"one"' }), LONG),
          other.move(key, second, (fields) => ({ ...fields, by: '"other"' }), LONG),
        ]);
        expect(results.filter(Boolean)).toHaveLength(1);
        const [winner, loser] = results[0] ? [first, second] : [second, first];
        expect(await backdoor.fields(winner)).toEqual({ a: '1', by: results[0] ? '"one"' : '"other"' });
        expect(await backdoor.fields(loser)).toBeUndefined();
        expect(await backdoor.fields(key)).toBeUndefined();
      }
    });

    it('updates racing a move from another pool either land before it (and move along) or are refused', async () => {
      const [mover, writer] = [await context.open(), await context.open()];
      const [key, target] = [newKey(), newKey()];
      await mover.create(key, { base: '0' }, LONG);
      const updates = Array.from({ length: 12 }, async (_, index) => {
        await new Promise((resolve) => setTimeout(resolve, index * 3));
        return writer.update(key, change({ [`f${index}`]: String(index) }), LONG);
      });
      await new Promise((resolve) => setTimeout(resolve, 15));
      const moved = await mover.move(key, target, copy, LONG);
      const applied = await Promise.all(updates);
      expect(moved).toBe(true);
      const expected: Record<string, string> = { base: '0' };
      for (const [index, stored] of applied.entries()) if (stored) expected[`f${index}`] = String(index);
      expect(await backdoor.fields(target)).toEqual(expected);
      expect(await backdoor.fields(key)).toBeUndefined();
    });

    it('moves the row as stored now, with the new TTL, in one step that leaves no trace of the old key', async () => {
      const store = await context.open();
      const [key, target] = [newKey(), newKey()];
      await store.create(key, { user: '7', role: '"admin"' }, { ttlSeconds: 60 });
      await store.update(key, change({ role: '"user"' }), { ttlSeconds: 60 });
      const moved = await store.move(
        key,
        target,
        (fields) => applyChangeSet(fields, change({ login: 'true' })),
        LONG,
      );
      expect(moved).toBe(true);
      expect(await backdoor.fields(target)).toEqual({ user: '7', role: '"user"', login: 'true' });
      expect(await backdoor.ttlMs(target)).toBeGreaterThan((TTL - 60) * 1000);
      expect(await backdoor.fields(key)).toBeUndefined();
    });

    it('a move of an expired row that is not reaped yet resolves false and creates nothing', async () => {
      const store = await context.open();
      const [key, target] = [newKey(), newKey()];
      await store.create(key, { a: '1' }, LONG);
      await expireRow(context, key);
      expect(await store.move(key, target, copy, LONG)).toBe(false);
      expect(await backdoor.fields(target)).toBeUndefined();
      expect(await backdoor.fields(key)).toEqual({ a: '1' });
    });

    it('a move onto a key that holds an expired row replaces it', async () => {
      const store = await context.open();
      const [key, target] = [newKey(), newKey()];
      await store.create(key, { a: '1' }, LONG);
      await store.create(target, { stale: 'true' }, LONG);
      await expireRow(context, target);
      expect(await store.move(key, target, copy, LONG)).toBe(true);
      expect(await backdoor.fields(target)).toEqual({ a: '1' });
      expect(await backdoor.fields(key)).toBeUndefined();
    });

    it('a move onto a key that holds a live row rejects and leaves both rows as they were', async () => {
      const store = await context.open();
      const [key, target] = [newKey(), newKey()];
      expect(await store.create(key, { a: '1' }, LONG)).toBe(true);
      expect(await store.create(target, { other: 'true' }, LONG)).toBe(true);
      expect(await backdoor.fields(target)).toEqual({ other: 'true' });
      // Asserted on the driver's error code: better-sqlite3 builds its errors in the realm that first
      // loaded it, so Jest's `toThrow()` in a later test file of the same worker sees no Error.
      const refusal = await store.move(key, target, copy, LONG).then(
        (moved) => ({ moved }),
        (error: unknown) => error,
      );
      expect(isUniqueViolation(refusal)).toBe(true);
      expect(await backdoor.fields(key)).toEqual({ a: '1' });
      expect(await backdoor.fields(target)).toEqual({ other: 'true' });
      // The old row is still live and writable.
      expect(await store.update(key, change({ b: '2' }), LONG)).toBe(true);
    });

    it('a move of a row whose data is not JSON rejects and leaves it; the transform is not called', async () => {
      const store = await context.open();
      const [key, target] = [newKey(), newKey()];
      await store.create(key, { a: '1' }, LONG);
      await corruptRow(context, key);
      let called = false;
      const transform = (fields: Readonly<Record<string, string>>) => {
        called = true;
        return copy(fields);
      };
      await expect(store.move(key, target, transform, LONG)).rejects.toThrow(/not a JSON object of fields/);
      expect(called).toBe(false);
      expect(await backdoor.fields(target)).toBeUndefined();
      expect(await backdoor.ttlMs(key)).toBeGreaterThan(0);
    });

    it('a move whose transform throws rolls back: the old row stays writable, the new key stays free', async () => {
      const store = await context.open();
      const [key, target] = [newKey(), newKey()];
      await store.create(key, { a: '1' }, LONG);
      await expect(
        store.move(
          key,
          target,
          () => {
            throw new Error('cannot transform');
          },
          LONG,
        ),
      ).rejects.toThrow('cannot transform');
      expect(await store.update(key, change({ b: '2' }), LONG)).toBe(true);
      expect(await store.create(target, { c: '3' }, LONG)).toBe(true);
      expect(await backdoor.fields(key)).toEqual({ a: '1', b: '2' });
    });
  });

  describe('creates', () => {
    it('of creates of one key from two stores (separate pools) at once, exactly one succeeds', async () => {
      const [one, other] = [await context.open(), await context.open()];
      for (let round = 0; round < 5; round++) {
        const key = newKey();
        const results = await Promise.all([
          one.create(key, { by: '"one"' }, LONG),
          other.create(key, { by: '"other"' }, LONG),
        ]);
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await backdoor.fields(key)).toEqual({ by: results[0] ? '"one"' : '"other"' });
      }
    });

    it('of creates racing over an expired row that is not reaped yet, exactly one succeeds', async () => {
      const [one, other] = [await context.open(), await context.open()];
      const key = newKey();
      await one.create(key, { old: 'true' }, LONG);
      await expireRow(context, key);
      const results = await Promise.all([
        one.create(key, { by: '"one"' }, LONG),
        other.create(key, { by: '"other"' }, LONG),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await backdoor.fields(key)).toEqual({ by: results[0] ? '"one"' : '"other"' });
      expect(await backdoor.ttlMs(key)).toBeGreaterThan((TTL - 60) * 1000);
    });
  });
}
