import { strictEqual } from 'node:assert/strict';
import {
  createRecord,
  deleteFields,
  expectStored,
  LONG,
  newKey,
  numberedFields,
  replaceWith,
  type SuiteContext,
  setFields,
} from './fixtures.js';

export function describeWrites(context: SuiteContext): void {
  context.runner.describe('create and update', () => {
    context.it('create stores the first record of a key', async () => {
      const key = newKey();
      strictEqual(await context.backdoor.fields(key), undefined);
      await createRecord(context.store(), key, { a: '1' });
      await expectStored(context, key, { a: '1' });
    });

    context.it('create of an empty record stores it (a session whose id was handed out)', async () => {
      const key = newKey();
      await createRecord(context.store(), key, {});
      await expectStored(context, key, {});
    });

    context.it('create of a key that holds a live record resolves false and changes nothing', async () => {
      const key = newKey();
      await createRecord(context.store(), key, { a: '1' });
      strictEqual(await context.store().create(key, { b: '2' }, LONG), false);
      await expectStored(context, key, { a: '1' });
    });

    context.it('update of a key that holds nothing resolves false and creates nothing', async () => {
      const key = newKey();
      strictEqual(await context.store().update(key, setFields({ a: '1' }), LONG), false);
      await expectStored(context, key, undefined);
    });

    context.it('update merges into the stored fields and overwrites only the ones it names', async () => {
      const key = newKey();
      await createRecord(context.store(), key, { a: '1', b: '"two"' });
      strictEqual(await context.store().update(key, setFields({ b: '"zwei"', c: 'true' }), LONG), true);
      await expectStored(context, key, { a: '1', b: '"zwei"', c: 'true' });
    });

    context.it('delete removes the fields it names and keeps the others', async () => {
      const key = newKey();
      await createRecord(context.store(), key, numberedFields('f', 4));
      strictEqual(await context.store().update(key, deleteFields('f1', 'f3'), LONG), true);
      await expectStored(context, key, { f0: '0', f2: '2' });
    });

    context.it('deleting a field that is not stored is harmless', async () => {
      const key = newKey();
      await createRecord(context.store(), key, { a: '1' });
      strictEqual(await context.store().update(key, deleteFields('never-set'), LONG), true);
      await expectStored(context, key, { a: '1' });
    });

    context.it('set and delete in one change set apply together', async () => {
      const key = newKey();
      await createRecord(context.store(), key, { a: '1', b: '2' });
      await context.store().update(key, { replace: false, set: { c: '3' }, delete: ['a'] }, LONG);
      await expectStored(context, key, { b: '2', c: '3' });
    });

    context.it(
      'replace drops every stored field the change set does not list; the record stays',
      async () => {
        const key = newKey();
        await createRecord(context.store(), key, { a: '1', b: '2', flash: '"hi"' });
        strictEqual(await context.store().update(key, replaceWith({ b: '"new"', c: 'null' }), LONG), true);
        await expectStored(context, key, { b: '"new"', c: 'null' });
        strictEqual(await context.store().update(key, replaceWith({}), LONG), true);
        await expectStored(context, key, {});
      },
    );

    context.it('an update with no changes still renews a live record', async () => {
      const key = newKey();
      await createRecord(context.store(), key, { a: '1' });
      strictEqual(await context.store().update(key, setFields({}), LONG), true);
      await expectStored(context, key, { a: '1' });
    });
  });
}
