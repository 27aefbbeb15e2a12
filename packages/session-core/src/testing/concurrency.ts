import { strictEqual } from 'node:assert/strict';
import {
  assertFields,
  createRecord,
  deleteFields,
  LONG,
  newKey,
  numberedFields,
  type SuiteContext,
  setFields,
} from './fixtures.js';

const PARALLEL = 50;

export function describeConcurrency(context: SuiteContext): void {
  context.runner.describe('concurrent writes of one session', () => {
    context.it(`${PARALLEL} parallel updates of different fields all survive`, async () => {
      const key = newKey();
      const store = context.store();
      await createRecord(store, key, {});
      const results = await Promise.all(
        Array.from({ length: PARALLEL }, (_, index) =>
          store.update(key, setFields({ [`field${index}`]: JSON.stringify(index) }), LONG),
        ),
      );
      strictEqual(results.every(Boolean), true);
      const expected = numberedFields('field', PARALLEL);
      assertFields(await context.backdoor.fields(key), expected, 'the backend holds');
      assertFields((await store.read(key))?.fields, expected, 'read() returns');
    });

    context.it('parallel deletes and sets of different fields all apply', async () => {
      const key = newKey();
      const store = context.store();
      await createRecord(store, key, numberedFields('old', PARALLEL));
      await Promise.all(
        Array.from({ length: PARALLEL }, (_, index) =>
          index % 2 === 0
            ? store.update(key, deleteFields(`old${index}`), LONG)
            : store.update(key, setFields({ [`new${index}`]: JSON.stringify(index) }), LONG),
        ),
      );
      const expected: Record<string, string> = {};
      for (let index = 1; index < PARALLEL; index += 2) {
        expected[`old${index}`] = JSON.stringify(index);
        expected[`new${index}`] = JSON.stringify(index);
      }
      assertFields(await context.backdoor.fields(key), expected, 'the backend holds');
    });

    context.it('a destroy racing parallel updates wins: the record never comes back', async () => {
      const key = newKey();
      const store = context.store();
      await createRecord(store, key, { a: '1' });
      await Promise.all([
        ...Array.from({ length: 10 }, (_, index) =>
          store.update(key, setFields({ [`f${index}`]: '1' }), LONG),
        ),
        store.destroy(key),
        ...Array.from({ length: 10 }, (_, index) =>
          store.update(key, setFields({ [`g${index}`]: '1' }), LONG),
        ),
      ]);
      // Whatever order they ran in, the updates after the destroy changed nothing.
      strictEqual(await store.update(key, setFields({ late: '1' }), LONG), false);
      strictEqual(await context.backdoor.fields(key), undefined);
    });
  });
}
