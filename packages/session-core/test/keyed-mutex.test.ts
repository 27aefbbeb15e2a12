import { describe, expect, it } from '@jest/globals';
import { SessionLockTimeoutError } from '../src/errors.js';
import { KeyedMutex } from '../src/store-kit/keyed-mutex.js';

const tick = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether `promise` has settled, without waiting for it. */
async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  const pending = Symbol('pending');
  const winner = await Promise.race([
    promise.then(
      () => 'settled',
      () => 'settled',
    ),
    tick().then(() => pending),
  ]);
  return winner !== pending;
}

describe('KeyedMutex', () => {
  it('hands the lock out first come, first served', async () => {
    const mutex = new KeyedMutex();
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 5 }, async (_, index) => {
        const release = await mutex.acquire('key', 1000);
        order.push(index);
        await tick(5);
        await release();
      }),
    );
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it('lets one holder in at a time', async () => {
    const mutex = new KeyedMutex();
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        const release = await mutex.acquire('key', 5000);
        most = Math.max(most, ++inside);
        await tick(1);
        inside--;
        await release();
      }),
    );
    expect(most).toBe(1);
  });

  it('keeps different keys apart', async () => {
    const mutex = new KeyedMutex();
    const held = await mutex.acquire('a', 1000);
    const other = await mutex.acquire('b', 50);
    await Promise.all([held(), other()]);
  });

  it('rejects a waiter with SessionLockTimeoutError after waitMs', async () => {
    const mutex = new KeyedMutex();
    const release = await mutex.acquire('key', 1000);
    const startedAt = Date.now();
    const waiting = mutex.acquire('key', 80);
    await expect(waiting).rejects.toBeInstanceOf(SessionLockTimeoutError);
    await expect(waiting).rejects.toMatchObject({ code: 'E_SESSION_LOCK_TIMEOUT', waitMs: 80 });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(70);
    await release();
    // The lock is free again once the holder is done.
    await (await mutex.acquire('key', 50))();
  });

  it('does not let a newcomer past the holder when a waiter in between timed out', async () => {
    const mutex = new KeyedMutex();
    const holder = await mutex.acquire('key', 1000);
    const gaveUp = mutex.acquire('key', 30);
    await expect(gaveUp).rejects.toBeInstanceOf(SessionLockTimeoutError);

    const newcomer = mutex.acquire('key', 5000);
    await tick(50);
    expect(await isSettled(newcomer)).toBe(false);

    await holder();
    const release = await newcomer;
    await release();
  });

  it('keeps the queue order behind a waiter that timed out', async () => {
    const mutex = new KeyedMutex();
    const holder = await mutex.acquire('key', 1000);
    const order: string[] = [];
    const early = mutex.acquire('key', 5000).then((release) => {
      order.push('early');
      return release();
    });
    const gaveUp = mutex.acquire('key', 20).catch(() => order.push('timed out'));
    const late = mutex.acquire('key', 5000).then((release) => {
      order.push('late');
      return release();
    });
    await tick(60);
    await holder();
    await Promise.all([early, gaveUp, late]);
    expect(order).toEqual(['timed out', 'early', 'late']);
  });

  it('treats a second release as a no-op', async () => {
    const mutex = new KeyedMutex();
    const first = await mutex.acquire('key', 1000);
    await first();
    const second = await mutex.acquire('key', 1000);
    await first();
    await expect(mutex.acquire('key', 50)).rejects.toBeInstanceOf(SessionLockTimeoutError);
    await second();
  });
});
