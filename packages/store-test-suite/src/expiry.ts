import { beforeAll, describe, expect, it } from '@jest/globals';
import type { SessionKey, StoredSession } from '@tina4/session-core';
import { LONG_TTL_SECONDS, newKey, type SuiteContext, setFields, sleep } from './fixtures.js';

/** Room for clock differences between the test and a backend server, and for slow machines. */
const CLOCK_SLACK_MS = 2000;

export function describeExpiry(context: SuiteContext): void {
  const graceMs = context.options.expiryGraceMs ?? 1500;

  describe('expiry', () => {
    it('the backend holds the TTL given to write, and read reports it as expiresAt', async () => {
      const key = newKey();
      const before = Date.now();
      await context.store().write(key, setFields({ a: '1' }), 120);
      const after = Date.now();

      const ttlMs = await context.backdoor.ttlMs(key);
      expect(ttlMs).toBeGreaterThan(120_000 - CLOCK_SLACK_MS - (Date.now() - before));
      expect(ttlMs).toBeLessThanOrEqual(120_000 + CLOCK_SLACK_MS);
      const { expiresAt } = (await context.store().read(key))!;
      expect(expiresAt).toBeGreaterThanOrEqual(before + 120_000 - CLOCK_SLACK_MS);
      expect(expiresAt).toBeLessThanOrEqual(after + 120_000 + CLOCK_SLACK_MS);
    });

    it('every write sets the expiry anew, longer or shorter', async () => {
      const key = newKey();
      await context.store().write(key, setFields({ a: '1' }), 60);
      await context.store().write(key, setFields({ b: '2' }), 3600);
      expect(await context.backdoor.ttlMs(key)).toBeGreaterThan(3_000_000);
      await context.store().write(key, setFields({ c: '3' }), 60);
      expect(await context.backdoor.ttlMs(key)).toBeLessThanOrEqual(60_000 + CLOCK_SLACK_MS);
    });

    it('touch extends the expiry without changing the fields', async () => {
      const key = newKey();
      await context.store().write(key, setFields({ a: '1', b: '"x"' }), 60);
      await context.store().touch(key, 3600);
      expect(await context.backdoor.ttlMs(key)).toBeGreaterThan(3_000_000);
      expect(await context.backdoor.fields(key)).toEqual({ a: '1', b: '"x"' });
    });

    it('touch does not create a missing record', async () => {
      const key = newKey();
      await context.store().touch(key, LONG_TTL_SECONDS);
      expect(await context.store().read(key)).toBeUndefined();
      expect(await context.backdoor.fields(key)).toBeUndefined();
    });

    describe(`with a TTL of 1 s, after waiting 1 s + ${graceMs} ms`, () => {
      const keys: Record<'expired' | 'touched' | 'revived' | 'rewritten', SessionKey> = {
        expired: newKey(),
        touched: newKey(),
        revived: newKey(),
        rewritten: newKey(),
      };
      let readBeforeExpiry: StoredSession | undefined;

      // One wait shared by the tests below, rather than one each.
      beforeAll(
        async () => {
          const store = context.store();
          for (const key of Object.values(keys)) await store.write(key, setFields({ old: '"data"' }), 1);
          await store.touch(keys.touched, LONG_TTL_SECONDS);
          readBeforeExpiry = await store.read(keys.expired);
          await sleep(1000 + graceMs);
        },
        1000 + graceMs + 20_000,
      );

      it('read returns the record before the TTL passes and undefined after', async () => {
        expect(readBeforeExpiry?.fields).toEqual({ old: '"data"' });
        expect(await context.store().read(keys.expired)).toBeUndefined();
        const ttlMs = await context.backdoor.ttlMs(keys.expired);
        if (ttlMs !== undefined) expect(ttlMs).toBeLessThanOrEqual(0);
      });

      it('a touched record outlives its first TTL, fields unchanged', async () => {
        expect((await context.store().read(keys.touched))?.fields).toEqual({ old: '"data"' });
        expect(await context.backdoor.fields(keys.touched)).toEqual({ old: '"data"' });
      });

      it('touch does not bring an expired record back', async () => {
        await context.store().touch(keys.revived, LONG_TTL_SECONDS);
        expect(await context.store().read(keys.revived)).toBeUndefined();
      });

      it('a write after expiry starts from an empty record (old fields stay gone)', async () => {
        await context.store().write(keys.rewritten, setFields({ fresh: 'true' }), LONG_TTL_SECONDS);
        expect((await context.store().read(keys.rewritten))?.fields).toEqual({ fresh: 'true' });
        expect(await context.backdoor.fields(keys.rewritten)).toEqual({ fresh: 'true' });
      });
    });
  });
}
