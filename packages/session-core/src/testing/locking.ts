import { ok, rejects, strictEqual } from 'node:assert/strict';
import type { SessionLockOptions, SessionStore } from '../store-kit/session-store.js';
import { createRecord, LONG, newKey, type SuiteContext, setFields } from './fixtures.js';

const PARALLEL = 50;
const PATIENT: SessionLockOptions = { waitMs: 20_000, leaseMs: 30_000 };
const SHORT_WAIT_MS = 300;
const TIMEOUT = { name: 'SessionLockTimeoutError', code: 'E_SESSION_LOCK_TIMEOUT' };

export function describeLocking(context: SuiteContext): void {
  const lockOf = (store: SessionStore): NonNullable<SessionStore['lock']> => {
    if (!store.lock)
      throw new Error(`${context.options.name}: the suite was told lock: true, but the store has no lock()`);
    return store.lock.bind(store);
  };

  context.runner.describe('per-session lock', () => {
    context.it(
      `${PARALLEL} parallel lock -> read -> increment -> update -> release end at ${PARALLEL}`,
      async () => {
        const key = newKey();
        const store = context.store();
        const lock = lockOf(store);
        await createRecord(store, key, { count: '0' });
        const increment = async (): Promise<void> => {
          const release = await lock(key, PATIENT);
          try {
            const count = Number((await store.read(key))?.fields.count ?? 'NaN');
            await store.update(key, setFields({ count: JSON.stringify(count + 1) }), LONG);
          } finally {
            await release();
          }
        };
        await Promise.all(Array.from({ length: PARALLEL }, increment));
        strictEqual((await context.backdoor.fields(key))?.count, String(PARALLEL));
      },
    );

    context.it(
      'a held lock makes lock() reject with SessionLockTimeoutError naming the wait asked for',
      async () => {
        const key = newKey();
        const lock = lockOf(context.store());
        const release = await lock(key, PATIENT);
        const startedAt = Date.now();
        await rejects(lock(key, { waitMs: SHORT_WAIT_MS, leaseMs: 30_000 }), (error: unknown) => {
          const { name, code, waitMs } = error as { name: string; code: string; waitMs: number };
          strictEqual(name, TIMEOUT.name);
          strictEqual(code, TIMEOUT.code);
          strictEqual(waitMs, SHORT_WAIT_MS);
          return true;
        });
        ok(Date.now() - startedAt >= SHORT_WAIT_MS - 50);
        await release();
      },
    );

    context.it('a released lock can be taken again, and a waiter gets it when it is released', async () => {
      const key = newKey();
      const lock = lockOf(context.store());
      const first = await lock(key, PATIENT);
      await first();
      const second = await lock(key, { waitMs: 2000, leaseMs: 30_000 });
      const waiter = lock(key, { waitMs: 10_000, leaseMs: 30_000 });
      setTimeout(() => void second(), 100);
      const third = await waiter;
      await third();
    });

    context.it("release is idempotent: a second call does not release the next holder's lock", async () => {
      const key = newKey();
      const lock = lockOf(context.store());
      const first = await lock(key, PATIENT);
      await first();
      const second = await lock(key, PATIENT);
      await first();
      await rejects(lock(key, { waitMs: SHORT_WAIT_MS, leaseMs: 30_000 }), TIMEOUT);
      await second();
    });

    context.it(
      'a holder that never releases loses the lock when its lease ends, in this process too',
      async () => {
        const key = newKey();
        const lock = lockOf(context.store());
        await lock(key, { waitMs: 1000, leaseMs: 400 });
        const startedAt = Date.now();
        const next = await lock(key, { waitMs: 5000, leaseMs: 30_000 });
        const waited = Date.now() - startedAt;
        ok(waited >= 250 && waited < 4000, `the next holder got in after the lease (${waited} ms)`);
        await next();
      },
    );

    context.it('locks of different sessions are independent', async () => {
      const lock = lockOf(context.store());
      const one = await lock(newKey(), PATIENT);
      const other = await lock(newKey(), { waitMs: SHORT_WAIT_MS, leaseMs: 30_000 });
      await Promise.all([one(), other()]);
    });
  });
}
