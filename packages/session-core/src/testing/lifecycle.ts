import { ok, rejects, strictEqual } from 'node:assert/strict';
import { applyChangeSet } from '../store-kit/change-set.js';
import {
  assertFields,
  createRecord,
  expectStored,
  LONG,
  newKey,
  replaceWith,
  type SuiteContext,
  setFields,
} from './fixtures.js';

export function describeLifecycle(context: SuiteContext): void {
  context.runner.describe('lifecycle', () => {
    context.it('reads an unknown key as undefined, and the backend holds nothing for it', async () => {
      const key = newKey();
      strictEqual(await context.store().read(key), undefined);
      strictEqual(await context.backdoor.fields(key), undefined);
      strictEqual(await context.backdoor.ttlMs(key), undefined);
    });

    context.it('destroy removes the record from the backend', async () => {
      const key = newKey();
      await createRecord(context.store(), key, { a: '1' });
      await context.store().destroy(key);
      await expectStored(context, key, undefined);
      strictEqual(await context.backdoor.ttlMs(key), undefined);
    });

    context.it('destroy of a missing record resolves', async () => {
      await context.store().destroy(newKey());
    });

    context.it('destroy leaves other records alone', async () => {
      const [gone, kept] = [newKey(), newKey()];
      await createRecord(context.store(), gone, { a: '1' });
      await createRecord(context.store(), kept, { b: '2' });
      await context.store().destroy(gone);
      assertFields(await context.backdoor.fields(kept), { b: '2' }, 'the other record');
    });

    context.it('a destroyed record stays gone: update, touch and move of it change nothing', async () => {
      const [key, target] = [newKey(), newKey()];
      await createRecord(context.store(), key, { user: '7' });
      await context.store().destroy(key);
      strictEqual(await context.store().update(key, setFields({ cart: '[1]' }), LONG), false);
      strictEqual(await context.store().update(key, replaceWith({ cart: '[1]' }), LONG), false);
      strictEqual(await context.store().touch(key, LONG), false);
      strictEqual(await context.store().move(key, target, (fields) => ({ ...fields }), LONG), false);
      await expectStored(context, key, undefined);
      await expectStored(context, target, undefined);
    });

    context.it(
      'move: the record as stored now moves to the new key, with the changes applied; the old key is gone',
      async () => {
        const [oldKey, newKeyOfIt] = [newKey(), newKey()];
        await createRecord(context.store(), oldKey, { user: '{"id":7}', cart: '[1,2]', role: '"admin"' });
        // Another request changed the record after this one read it.
        await context.store().update(oldKey, setFields({ role: '"user"' }), LONG);
        const moved = await context
          .store()
          .move(oldKey, newKeyOfIt, (stored) => applyChangeSet(stored, setFields({ login: 'true' })), LONG);
        strictEqual(moved, true);
        await expectStored(context, oldKey, undefined);
        await expectStored(context, newKeyOfIt, {
          user: '{"id":7}',
          cart: '[1,2]',
          role: '"user"',
          login: 'true',
        });
        ok(((await context.backdoor.ttlMs(newKeyOfIt)) ?? 0) > 60_000, 'the moved record has the new TTL');
      },
    );

    context.it('a moved key is retired: later writes to it are refused and create nothing', async () => {
      const [oldKey, newKeyOfIt] = [newKey(), newKey()];
      await createRecord(context.store(), oldKey, { a: '1' });
      strictEqual(await context.store().move(oldKey, newKeyOfIt, (stored) => ({ ...stored }), LONG), true);
      strictEqual(await context.store().update(oldKey, setFields({ b: '2' }), LONG), false);
      strictEqual(await context.store().touch(oldKey, LONG), false);
      await expectStored(context, oldKey, undefined);
      await expectStored(context, newKeyOfIt, { a: '1' });
    });

    context.it('of two moves of one record, exactly one succeeds', async () => {
      const [key, first, second] = [newKey(), newKey(), newKey()];
      await createRecord(context.store(), key, { a: '1' });
      const results = await Promise.all([
        context.store().move(key, first, (stored) => ({ ...stored, by: '"first"' }), LONG),
        context.store().move(key, second, (stored) => ({ ...stored, by: '"second"' }), LONG),
      ]);
      strictEqual(results.filter(Boolean).length, 1, `one move succeeded (got ${results})`);
      const winner = results[0] ? first : second;
      const loser = results[0] ? second : first;
      await expectStored(context, winner, { a: '1', by: results[0] ? '"first"' : '"second"' });
      await expectStored(context, loser, undefined);
      await expectStored(context, key, undefined);
    });

    context.it('a move whose transform throws leaves the old record as it was', async () => {
      const [key, target] = [newKey(), newKey()];
      await createRecord(context.store(), key, { a: '1' });
      await rejects(
        context.store().move(
          key,
          target,
          () => {
            throw new Error('cannot transform');
          },
          LONG,
        ),
        /cannot transform/,
      );
      await expectStored(context, key, { a: '1' });
      await expectStored(context, target, undefined);
    });

    context.it('another store instance on the same backend sees the same records', async () => {
      const key = newKey();
      await createRecord(context.store(), key, { shared: '"yes"' });
      const other = await context.openStore();
      assertFields((await other.read(key))?.fields, { shared: '"yes"' }, 'the other instance reads');
      strictEqual(await other.update(key, setFields({ second: '2' }), LONG), true);
      assertFields(
        (await context.store().read(key))?.fields,
        { shared: '"yes"', second: '2' },
        'read() returns',
      );
    });
  });
}
