import { describe, expect, it } from '@jest/globals';
// By path, not by package name: the suite depends on the core, and a dependency back would be a cycle.
import { storeComplianceSuite } from '../../store-test-suite/src/index.js';
import { generateSessionId, sessionKeyOf } from '../src/session-id.js';
import { createMemoryStore, type MemoryStoreEntry } from '../src/stores/memory-store.js';

// One map behind every instance, as a server would be: the suite's backdoor reads it directly.
const entries = new Map<string, MemoryStoreEntry>();

storeComplianceSuite({
  name: 'memory',
  createStore: () => createMemoryStore({ entries }),
  lock: true,
  backdoor: {
    async fields(key) {
      const entry = entries.get(key);
      return entry && { ...entry.fields };
    },
    async ttlMs(key) {
      const entry = entries.get(key);
      return entry && entry.expiresAt - Date.now();
    },
    async dump() {
      return JSON.stringify([...entries]);
    },
  },
});

const newKey = (): string => sessionKeyOf(generateSessionId());
const setFields = (set: Record<string, string>) => ({ replace: false, set, delete: [] });

describe('memory store', () => {
  it('keeps at most maxSessions, dropping the least recently used', async () => {
    const own = new Map<string, MemoryStoreEntry>();
    const store = createMemoryStore({ maxSessions: 3, entries: own });
    const [a, b, c, d] = [newKey(), newKey(), newKey(), newKey()];
    for (const key of [a, b, c]) await store.write(key, setFields({ key: JSON.stringify(key) }), 60);
    await store.read(a); // a is now the most recently used; b the least
    await store.write(d, setFields({ key: '"d"' }), 60);

    expect([...own.keys()].sort()).toEqual([a, c, d].sort());
    expect(await store.read(b)).toBeUndefined();
    await store.close();
  });

  it('sweeps expired sessions out of memory without a read', async () => {
    const own = new Map<string, MemoryStoreEntry>();
    const store = createMemoryStore({ sweepIntervalMs: 50, entries: own });
    const [expiring, kept] = [newKey(), newKey()];
    await store.write(expiring, setFields({ a: '1' }), 1);
    await store.write(kept, setFields({ b: '2' }), 60);

    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect(own.has(expiring)).toBe(false);
    expect(own.has(kept)).toBe(true);
    await store.close();
  });

  it('close() clears a map the store created, not one it was given', async () => {
    const given = new Map<string, MemoryStoreEntry>();
    const store = createMemoryStore({ entries: given });
    await store.write(newKey(), setFields({ a: '1' }), 60);
    await store.close();
    expect(given.size).toBe(1);
  });
});
