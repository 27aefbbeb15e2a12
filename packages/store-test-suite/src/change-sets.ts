import { describe, expect, it } from '@jest/globals';
import {
  deleteFields,
  LONG_TTL_SECONDS,
  newKey,
  numberedFields,
  replaceWith,
  type SuiteContext,
  setFields,
} from './fixtures.js';

export function describeChangeSets(context: SuiteContext): void {
  /** Checks the record both through the backdoor and through the store. */
  const expectStored = async (key: string, fields: Record<string, string>): Promise<void> => {
    expect(await context.backdoor.fields(key)).toEqual(fields);
    expect((await context.store().read(key))?.fields).toEqual(fields);
  };

  describe('change sets', () => {
    it('write creates a record that did not exist', async () => {
      const key = newKey();
      expect(await context.backdoor.fields(key)).toBeUndefined();
      await context.store().write(key, setFields({ a: '1' }), LONG_TTL_SECONDS);
      await expectStored(key, { a: '1' });
    });

    it('set merges into the stored fields and overwrites only the ones it names', async () => {
      const key = newKey();
      await context.store().write(key, setFields({ a: '1', b: '"two"' }), LONG_TTL_SECONDS);
      await context.store().write(key, setFields({ b: '"zwei"', c: 'true' }), LONG_TTL_SECONDS);
      await expectStored(key, { a: '1', b: '"zwei"', c: 'true' });
    });

    it('delete removes the fields it names and keeps the others', async () => {
      const key = newKey();
      await context.store().write(key, setFields(numberedFields('f', 4)), LONG_TTL_SECONDS);
      await context.store().write(key, deleteFields('f1', 'f3'), LONG_TTL_SECONDS);
      await expectStored(key, { f0: '0', f2: '2' });
    });

    it('deleting a field that is not stored is harmless', async () => {
      const key = newKey();
      await context.store().write(key, setFields({ a: '1' }), LONG_TTL_SECONDS);
      await context.store().write(key, deleteFields('never-set'), LONG_TTL_SECONDS);
      await expectStored(key, { a: '1' });
    });

    it('set and delete in one change set apply together', async () => {
      const key = newKey();
      await context.store().write(key, setFields({ a: '1', b: '2' }), LONG_TTL_SECONDS);
      await context.store().write(key, { replace: false, set: { c: '3' }, delete: ['a'] }, LONG_TTL_SECONDS);
      await expectStored(key, { b: '2', c: '3' });
    });

    it('replace drops every stored field the change set does not list', async () => {
      const key = newKey();
      await context.store().write(key, setFields({ a: '1', b: '2', flash: '"hi"' }), LONG_TTL_SECONDS);
      await context.store().write(key, replaceWith({ b: '"new"', c: 'null' }), LONG_TTL_SECONDS);
      await expectStored(key, { b: '"new"', c: 'null' });
    });
  });
}
