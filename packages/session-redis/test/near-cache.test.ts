import { describe, expect, it } from '@jest/globals';
import type { CachedSession } from '../src/near-cache.js';
import { NearCache } from '../src/near-cache.js';

/** A cache on a clock the test moves, already tracking. */
function activeCache(maxBytes = 1024 * 1024): { cache: NearCache; clock: { now: number } } {
  const clock = { now: 1_000_000 };
  const cache = new NearCache(maxBytes, () => clock.now);
  cache.activate();
  return { cache, clock };
}

/** Puts a session into the cache the way a read's reply does. */
function remember(cache: NearCache, key: string, fields: Record<string, string>, expiresAt: number): void {
  cache.settle(cache.begin(key), () => ({ fields, expiresAt }));
}

const key = (n: number): string => n.toString(16).padStart(64, '0');

describe('near cache (in memory)', () => {
  it('serves what a reply put in, until the record expires', () => {
    const { cache, clock } = activeCache();
    remember(cache, key(1), { a: '1' }, clock.now + 1000);
    expect(cache.get(key(1))?.fields).toEqual({ a: '1' });
    clock.now += 999;
    expect(cache.get(key(1))).toBeDefined();
    clock.now += 1;
    expect(cache.get(key(1))).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
  });

  it('keeps its estimated size under the bound, dropping the least recently used first', () => {
    const value = 'x'.repeat(100);
    const { cache, clock } = activeCache(4000);
    for (let n = 0; n < 20; n++) {
      remember(cache, key(n), { value }, clock.now + 60_000);
      cache.get(key(0)); // a session read on every request stays
      expect(cache.bytes).toBeLessThanOrEqual(4000);
    }
    const kept = Array.from({ length: 20 }, (_, n) => n).filter((n) => cache.get(key(n)) !== undefined);
    expect(kept.length).toBeGreaterThan(1);
    expect(kept.length).toBeLessThan(20);
    expect(kept).toContain(0);
    expect(kept).toContain(19);
    expect(kept).not.toContain(1);
  });

  it('does not keep one session larger than the whole bound', () => {
    const { cache, clock } = activeCache(4000);
    remember(cache, key(1), { small: '1' }, clock.now + 60_000);
    remember(cache, key(2), { big: 'x'.repeat(5000) }, clock.now + 60_000);
    expect(cache.get(key(2))).toBeUndefined();
    expect(cache.get(key(1))).toBeDefined();
  });

  it('drops the reply of an operation whose key was invalidated while it was on its way', () => {
    const { cache, clock } = activeCache();
    const stale = cache.begin(key(1));
    cache.invalidate(key(1));
    const fresh = cache.begin(key(1)); // sent after the invalidation: its reply is good
    cache.settle(stale, () => ({ fields: { a: 'old' }, expiresAt: clock.now + 60_000 }));
    expect(cache.get(key(1))).toBeUndefined();
    cache.settle(fresh, () => ({ fields: { a: 'new' }, expiresAt: clock.now + 60_000 }));
    expect(cache.get(key(1))?.fields).toEqual({ a: 'new' });
  });

  it('drops replies of operations sent before a flush or before tracking was on', () => {
    const { cache, clock } = activeCache();
    const beforeFlush = cache.begin(key(1));
    cache.clear();
    cache.settle(beforeFlush, () => ({ fields: {}, expiresAt: clock.now + 60_000 }));
    expect(cache.get(key(1))).toBeUndefined();

    cache.deactivate();
    const untracked = cache.begin(key(2));
    cache.activate();
    cache.settle(untracked, () => ({ fields: {}, expiresAt: clock.now + 60_000 }));
    expect(cache.get(key(2))).toBeUndefined();
  });

  it('empties itself and keeps nothing while tracking is off', () => {
    const { cache, clock } = activeCache();
    remember(cache, key(1), { a: '1' }, clock.now + 60_000);
    cache.deactivate();
    expect(cache.get(key(1))).toBeUndefined();
    remember(cache, key(1), { a: '1' }, clock.now + 60_000);
    expect(cache.size).toBe(0);
  });

  it('applies a write to the current copy, or drops the key when the write failed', () => {
    const { cache, clock } = activeCache();
    remember(cache, key(1), { a: '1' }, clock.now + 1000);
    const write = cache.begin(key(1));
    cache.settle(write, (current?: CachedSession) =>
      current ? { fields: { ...current.fields, b: '2' }, expiresAt: clock.now + 60_000 } : undefined,
    );
    expect(cache.get(key(1))).toMatchObject({ fields: { a: '1', b: '2' }, expiresAt: clock.now + 60_000 });
    cache.settle(cache.begin(key(1)));
    expect(cache.get(key(1))).toBeUndefined();
  });
});
