import { describe, expect, it } from '@jest/globals';
import { applyChangeSet, type SessionChangeSet, type SessionFields } from '@tina4/session-core';
import { UpdateCoalescer } from '../src/update-coalescer.js';

const NAMES = ['a', 'b', 'c', 'd', 'e', 'f'];
const KEY = 'k'.repeat(64);

/** A deterministic pseudo-random source, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

function randomChangeSet(next: () => number, round: number): SessionChangeSet {
  const set: SessionFields = {};
  const remove: string[] = [];
  for (const name of NAMES) {
    const roll = next();
    if (roll < 0.3) set[name] = JSON.stringify(`${name}${round}`);
    else if (roll < 0.5) remove.push(name);
  }
  return { replace: next() < 0.15, set, delete: remove };
}

/** One stored record behind a fake update that takes a turn of the event loop, like a database. */
function fakeDatabase(initial: SessionFields | undefined) {
  let record = initial && { ...initial };
  const sent: { changes: SessionChangeSet; ttlSeconds: number }[] = [];
  let fail: Error | undefined;
  return {
    sent,
    record: () => record,
    put(fields: SessionFields) {
      record = { ...fields };
    },
    destroy() {
      record = undefined;
    },
    failNext(error: Error) {
      fail = error;
    },
    async update(_key: string, changes: SessionChangeSet, ttlSeconds: number): Promise<boolean> {
      sent.push({ changes, ttlSeconds });
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (fail) {
        const error = fail;
        fail = undefined;
        throw error;
      }
      if (!record) return false;
      record = applyChangeSet(record, changes);
      return true;
    },
  };
}

describe('UpdateCoalescer', () => {
  it('composed updates have the effect of applying them one after the other (500 random sequences)', async () => {
    const next = random(7148);
    for (let sequence = 0; sequence < 500; sequence++) {
      const start = { a: '0', c: '0', e: '0' };
      const changeSets = Array.from({ length: 1 + Math.floor(next() * 6) }, (_, round) =>
        randomChangeSet(next, round),
      );
      const database = fakeDatabase(start);
      const coalescer = new UpdateCoalescer((key, changes, ttl) => database.update(key, changes, ttl));
      const results = await Promise.all(changeSets.map((changes) => coalescer.update(KEY, changes, 60)));
      expect(results.every(Boolean)).toBe(true);
      const oneByOne = changeSets.reduce<SessionFields>(
        (fields, changes) => applyChangeSet(fields, changes),
        start,
      );
      expect({ ...database.record() }).toEqual({ ...oneByOne });
      // The first goes out alone, the rest together.
      expect(database.sent.length).toBe(Math.min(changeSets.length, 2));
      // The store contract: a field is never both set and deleted.
      for (const { changes } of database.sent) {
        for (const name of changes.delete) expect(Object.keys(changes.set)).not.toContain(name);
      }
    }
  });

  it('the last queued TTL is the one sent', async () => {
    const database = fakeDatabase({});
    const coalescer = new UpdateCoalescer((key, changes, ttl) => database.update(key, changes, ttl));
    const none = { replace: false, set: {}, delete: [] };
    await Promise.all([60, 50, 40, 30].map((ttl) => coalescer.update(KEY, none, ttl)));
    expect(database.sent.map(({ ttlSeconds }) => ttlSeconds)).toEqual([60, 30]);
  });

  it('when the update in flight finds no record, the queued ones resolve false without being sent', async () => {
    const database = fakeDatabase(undefined);
    const coalescer = new UpdateCoalescer((key, changes, ttl) => database.update(key, changes, ttl));
    const set = { replace: false, set: { a: '1' }, delete: [] };
    const results = await Promise.all([1, 2, 3, 4].map(() => coalescer.update(KEY, set, 60)));
    expect(results).toEqual([false, false, false, false]);
    expect(database.sent).toHaveLength(1);
    // The next update is sent again: nothing is remembered once the session is idle.
    expect(await coalescer.update(KEY, set, 60)).toBe(false);
    expect(database.sent).toHaveLength(2);
  });

  it('a record destroyed between two updates fails the queued ones: they are sent and find nothing', async () => {
    const database = fakeDatabase({ a: '1' });
    const coalescer = new UpdateCoalescer((key, changes, ttl) => database.update(key, changes, ttl));
    const set = { replace: false, set: { b: '2' }, delete: [] };
    const first = coalescer.update(KEY, set, 60);
    const queued = [coalescer.update(KEY, set, 60), coalescer.update(KEY, set, 60)];
    expect(await first).toBe(true);
    database.destroy();
    expect(await Promise.all(queued)).toEqual([false, false]);
    expect(database.sent).toHaveLength(2);
  });

  it('after created(), updates queued behind a "not found" are sent after all', async () => {
    const database = fakeDatabase(undefined);
    const coalescer = new UpdateCoalescer((key, changes, ttl) => database.update(key, changes, ttl));
    const first = coalescer.update(KEY, { replace: false, set: { a: '1' }, delete: [] }, 60);
    const queued = coalescer.update(KEY, { replace: false, set: { b: '2' }, delete: [] }, 60);
    // The store's create() of this key starts while the first update is in flight ...
    coalescer.created(KEY);
    expect(await first).toBe(false);
    // ... and its row lands before the queued update reaches the database.
    database.put({});
    expect(await queued).toBe(true);
    expect(database.sent).toHaveLength(2);
    expect({ ...database.record() }).toEqual({ b: '2' });
  });

  it('an error rejects the updates that shared its statement; the next batch is still sent', async () => {
    const database = fakeDatabase({});
    const coalescer = new UpdateCoalescer((key, changes, ttl) => database.update(key, changes, ttl));
    const set = (name: string) => ({ replace: false, set: { [name]: '1' }, delete: [] });
    const first = coalescer.update(KEY, set('a'), 60);
    const failing = [coalescer.update(KEY, set('b'), 60), coalescer.update(KEY, set('c'), 60)];
    await first;
    database.failNext(new Error('server gone'));
    const later = coalescer.update(KEY, set('d'), 60);
    for (const update of failing) await expect(update).rejects.toThrow('server gone');
    expect(await later).toBe(true);
    expect({ ...database.record() }).toEqual({ a: '1', d: '1' });
  });
});
