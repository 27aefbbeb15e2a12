import { describe, expect, it } from '@jest/globals';
import { LONG_TTL_SECONDS, newKey, replaceWith, type SuiteContext, setFields } from './fixtures.js';

export function describeLifecycle(context: SuiteContext): void {
  describe('lifecycle', () => {
    it('reads an unknown key as undefined, and the backend holds nothing for it', async () => {
      const key = newKey();
      expect(await context.store().read(key)).toBeUndefined();
      expect(await context.backdoor.fields(key)).toBeUndefined();
      expect(await context.backdoor.ttlMs(key)).toBeUndefined();
    });

    it('destroy removes the record from the backend', async () => {
      const key = newKey();
      await context.store().write(key, setFields({ a: '1' }), LONG_TTL_SECONDS);
      await context.store().destroy(key);
      expect(await context.store().read(key)).toBeUndefined();
      expect(await context.backdoor.fields(key)).toBeUndefined();
      expect(await context.backdoor.ttlMs(key)).toBeUndefined();
    });

    it('destroy of a missing record resolves', async () => {
      await expect(context.store().destroy(newKey())).resolves.toBeUndefined();
    });

    it('destroy leaves other records alone', async () => {
      const [gone, kept] = [newKey(), newKey()];
      await context.store().write(gone, setFields({ a: '1' }), LONG_TTL_SECONDS);
      await context.store().write(kept, setFields({ b: '2' }), LONG_TTL_SECONDS);
      await context.store().destroy(gone);
      expect(await context.backdoor.fields(kept)).toEqual({ b: '2' });
    });

    it('regenerate: the data moves to the new key and the old key is gone', async () => {
      const [oldKey, rotatedKey] = [newKey(), newKey()];
      await context.store().write(oldKey, setFields({ user: '{"id":7}', cart: '[1,2]' }), LONG_TTL_SECONDS);
      // What the core does: write the new record whole, then destroy the old one.
      const carried = (await context.store().read(oldKey))!.fields;
      await context.store().write(rotatedKey, replaceWith({ ...carried, role: '"admin"' }), LONG_TTL_SECONDS);
      await context.store().destroy(oldKey);

      expect(await context.store().read(oldKey)).toBeUndefined();
      expect(await context.backdoor.fields(oldKey)).toBeUndefined();
      const expected = { user: '{"id":7}', cart: '[1,2]', role: '"admin"' };
      expect((await context.store().read(rotatedKey))?.fields).toEqual(expected);
      expect(await context.backdoor.fields(rotatedKey)).toEqual(expected);
    });

    it('another store instance on the same backend sees the same records', async () => {
      const key = newKey();
      await context.store().write(key, setFields({ shared: '"yes"' }), LONG_TTL_SECONDS);
      const other = await context.openStore();
      expect((await other.read(key))?.fields).toEqual({ shared: '"yes"' });
      await other.write(key, setFields({ second: '2' }), LONG_TTL_SECONDS);
      expect((await context.store().read(key))?.fields).toEqual({ shared: '"yes"', second: '2' });
    });
  });
}
