import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createMemoryStore, type MemoryStoreEntry } from '../src/memory-store/memory-store.js';
import { generateSessionId, sessionKeyOf } from '../src/session/session-id.js';
import { storeComplianceSuite } from '../src/testing/index.js';

// One map behind every instance, as a server would be: the suite's backdoor reads it directly.
const entries = new Map<string, MemoryStoreEntry>();

storeComplianceSuite(
  { describe, it, beforeAll, afterAll },
  {
    name: 'memory',
    createStore: () => createMemoryStore({ entries }),
    lock: true,
    userSessions: true,
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
  },
);

const newKey = (): string => sessionKeyOf(generateSessionId());
const ttl = (ttlSeconds: number) => ({ ttlSeconds });

describe('memory store', () => {
  it('keeps at most maxSessions, dropping the least recently used', async () => {
    const own = new Map<string, MemoryStoreEntry>();
    const warnings: string[] = [];
    const logger = {
      warn: (line: string) => warnings.push(line),
      error: (line: string) => warnings.push(line),
    };
    const store = createMemoryStore({ maxSessions: 3, entries: own, logger });
    const [a, b, c, d] = [newKey(), newKey(), newKey(), newKey()];
    for (const key of [a, b, c]) await store.create(key, { key: JSON.stringify(key) }, ttl(60));
    await store.read(a); // a is now the most recently used; b the least
    await store.create(d, { key: '"d"' }, ttl(60));

    expect([...own.keys()].sort()).toEqual([a, c, d].sort());
    expect(await store.read(b)).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining('dropped the 1 least recently used')]);
    await store.close();
  });

  it('sweeps expired sessions out of memory without a read', async () => {
    const own = new Map<string, MemoryStoreEntry>();
    const store = createMemoryStore({ sweepIntervalMs: 50, entries: own });
    const [expiring, kept] = [newKey(), newKey()];
    await store.create(expiring, { a: '1' }, ttl(1));
    await store.create(kept, { b: '2' }, ttl(60));

    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect(own.has(expiring)).toBe(false);
    expect(own.has(kept)).toBe(true);
    await store.close();
  });

  it('close() clears a map the store created, not one it was given', async () => {
    const given = new Map<string, MemoryStoreEntry>();
    const store = createMemoryStore({ entries: given });
    await store.create(newKey(), { a: '1' }, ttl(60));
    await store.close();
    expect(given.size).toBe(1);
  });
});
