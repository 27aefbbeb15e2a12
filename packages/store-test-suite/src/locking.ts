import { describe, expect, it } from '@jest/globals';
import type { SessionLockOptions, SessionStore } from '@tina4/session-core';
import { LONG_TTL_SECONDS, newKey, type SuiteContext, setFields } from './fixtures.js';

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

  describe('per-session lock', () => {
    it(`${PARALLEL} parallel lock -> read -> increment -> write -> release end at ${PARALLEL}`, async () => {
      const key = newKey();
      const store = context.store();
      const lock = lockOf(store);
      const increment = async (): Promise<void> => {
        const release = await lock(key, PATIENT);
        try {
          const count = Number((await store.read(key))?.fields.count ?? '0');
          await store.write(key, setFields({ count: JSON.stringify(count + 1) }), LONG_TTL_SECONDS);
        } finally {
          await release();
        }
      };
      await Promise.all(Array.from({ length: PARALLEL }, increment));
      expect(await context.backdoor.fields(key)).toEqual({ count: String(PARALLEL) });
    });

    it('a held lock makes lock() reject with SessionLockTimeoutError after waitMs', async () => {
      const key = newKey();
      const lock = lockOf(context.store());
      const release = await lock(key, PATIENT);
      const startedAt = Date.now();
      await expect(lock(key, { waitMs: SHORT_WAIT_MS, leaseMs: 30_000 })).rejects.toMatchObject(TIMEOUT);
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(SHORT_WAIT_MS - 50);
      await release();
    });

    it('a released lock can be taken again, and a waiter gets it when it is released', async () => {
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

    it("release is idempotent: a second call does not release the next holder's lock", async () => {
      const key = newKey();
      const lock = lockOf(context.store());
      const first = await lock(key, PATIENT);
      await first();
      const second = await lock(key, PATIENT);
      await first();
      await expect(lock(key, { waitMs: SHORT_WAIT_MS, leaseMs: 30_000 })).rejects.toMatchObject(TIMEOUT);
      await second();
    });

    it('locks of different sessions are independent', async () => {
      const lock = lockOf(context.store());
      const one = await lock(newKey(), PATIENT);
      const other = await lock(newKey(), { waitMs: SHORT_WAIT_MS, leaseMs: 30_000 });
      await Promise.all([one(), other()]);
    });
  });
}
