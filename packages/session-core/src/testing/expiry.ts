import { ok, strictEqual } from 'node:assert/strict';
import type { SessionKey, StoredSession } from '../store-kit/session-store.js';
import { assertFields, createRecord, LONG, newKey, type SuiteContext, setFields, sleep } from './fixtures.js';

/** Room for clock differences between the test and a backend server, and for slow machines. */
const CLOCK_SLACK_MS = 2000;

export function describeExpiry(context: SuiteContext): void {
  const graceMs = context.options.expiryGraceMs ?? 1500;

  context.runner.describe('expiry', () => {
    context.it('the backend holds the TTL given to create, and read reports it as expiresAt', async () => {
      const key = newKey();
      const before = Date.now();
      await createRecord(context.store(), key, { a: '1' }, 120);
      const after = Date.now();

      const ttlMs = (await context.backdoor.ttlMs(key)) ?? 0;
      ok(ttlMs > 120_000 - CLOCK_SLACK_MS - (Date.now() - before), `TTL ${ttlMs} ms`);
      ok(ttlMs <= 120_000 + CLOCK_SLACK_MS, `TTL ${ttlMs} ms`);
      const expiresAt = (await context.store().read(key))?.expiresAt ?? 0;
      ok(expiresAt >= before + 120_000 - CLOCK_SLACK_MS && expiresAt <= after + 120_000 + CLOCK_SLACK_MS);
    });

    context.it('every update sets the expiry anew, longer or shorter', async () => {
      const key = newKey();
      await createRecord(context.store(), key, { a: '1' }, 60);
      await context.store().update(key, setFields({ b: '2' }), { ttlSeconds: 3600 });
      ok(((await context.backdoor.ttlMs(key)) ?? 0) > 3_000_000);
      await context.store().update(key, setFields({ c: '3' }), { ttlSeconds: 60 });
      ok(((await context.backdoor.ttlMs(key)) ?? 0) <= 60_000 + CLOCK_SLACK_MS);
    });

    context.it('touch extends the expiry without changing the fields', async () => {
      const key = newKey();
      await createRecord(context.store(), key, { a: '1', b: '"x"' }, 60);
      strictEqual(await context.store().touch(key, { ttlSeconds: 3600 }), true);
      ok(((await context.backdoor.ttlMs(key)) ?? 0) > 3_000_000);
      assertFields(await context.backdoor.fields(key), { a: '1', b: '"x"' }, 'the backend holds');
    });

    context.it('touch does not create a missing record', async () => {
      const key = newKey();
      strictEqual(await context.store().touch(key, LONG), false);
      strictEqual(await context.store().read(key), undefined);
      strictEqual(await context.backdoor.fields(key), undefined);
    });

    context.runner.describe(`with a TTL of 1 s, after waiting 1 s + ${graceMs} ms`, () => {
      const keys: Record<'expired' | 'touched' | 'revived' | 'updated' | 'recreated' | 'moved', SessionKey> =
        {
          expired: newKey(),
          touched: newKey(),
          revived: newKey(),
          updated: newKey(),
          recreated: newKey(),
          moved: newKey(),
        };
      let readBeforeExpiry: StoredSession | undefined;

      // One wait shared by the tests below, rather than one each.
      context.runner.beforeAll(async () => {
        const store = context.store();
        for (const key of Object.values(keys)) await createRecord(store, key, { old: '"data"' }, 1);
        await store.touch(keys.touched, LONG);
        readBeforeExpiry = await store.read(keys.expired);
        await sleep(1000 + graceMs);
      });

      context.it('read returns the record before the TTL passes and undefined after', async () => {
        assertFields(readBeforeExpiry?.fields, { old: '"data"' }, 'read before expiry');
        strictEqual(await context.store().read(keys.expired), undefined);
        const ttlMs = await context.backdoor.ttlMs(keys.expired);
        if (ttlMs !== undefined) ok(ttlMs <= 0);
      });

      context.it('a touched record outlives its first TTL, fields unchanged', async () => {
        assertFields((await context.store().read(keys.touched))?.fields, { old: '"data"' }, 'read() returns');
        assertFields(await context.backdoor.fields(keys.touched), { old: '"data"' }, 'the backend holds');
      });

      context.it('touch, update and move do not bring an expired record back', async () => {
        strictEqual(await context.store().touch(keys.revived, LONG), false);
        strictEqual(await context.store().read(keys.revived), undefined);
        strictEqual(await context.store().update(keys.updated, setFields({ fresh: 'true' }), LONG), false);
        strictEqual(await context.store().read(keys.updated), undefined);
        const target = newKey();
        strictEqual(await context.store().move(keys.moved, target, (fields) => ({ ...fields }), LONG), false);
        strictEqual(await context.store().read(target), undefined);
      });

      context.it(
        'create over an expired record starts from an empty one (old fields stay gone)',
        async () => {
          strictEqual(await context.store().create(keys.recreated, { fresh: 'true' }, LONG), true);
          assertFields(
            (await context.store().read(keys.recreated))?.fields,
            { fresh: 'true' },
            'read() returns',
          );
          assertFields(await context.backdoor.fields(keys.recreated), { fresh: 'true' }, 'the backend holds');
        },
      );
    });
  });
}
