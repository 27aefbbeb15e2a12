import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { renderProgress } from '../src/cli/progress-bar.js';
import { encryptStore } from '../src/encryption/encrypted-store.js';
import { createFileStore } from '../src/file-store/file-store.js';
import { createMemoryStore, type MemoryStoreEntry } from '../src/memory-store/memory-store.js';
import { generateSessionId, sessionKeyOf } from '../src/session/session-id.js';
import type { PurgeProgress } from '../src/store-kit/store-maintenance.js';

const scratch = await mkdtemp(join(tmpdir(), 'tina4-maintenance-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

const newKey = (): string => sessionKeyOf(generateSessionId());
const LONG = { ttlSeconds: 600 };
const logger = { warn: () => {}, error: () => {} };

describe('memory store: count and purgeExpired', () => {
  it('counts live and expired entries, and purges only the expired ones', async () => {
    const entries = new Map<string, MemoryStoreEntry>();
    const store = createMemoryStore({ entries });
    const live = [newKey(), newKey()];
    for (const key of live) await store.create(key, { n: '1' }, LONG);
    const expired = newKey();
    entries.set(expired, { fields: {}, expiresAt: Date.now() - 1 });

    expect(await store.count!()).toEqual({ live: 2, expired: 1 });
    const progress: PurgeProgress[] = [];
    expect(await store.purgeExpired!((step) => progress.push(step))).toEqual({ removed: 1 });
    expect(progress.at(-1)).toEqual({ done: 3, total: 3 });
    expect([...entries.keys()].sort()).toEqual([...live].sort());
    await store.close();
  });
});

describe('file store: count and purgeExpired', () => {
  it('counts and purges only its own session files, expired or unreadable, reporting progress', async () => {
    const directory = join(scratch, 'files');
    const store = createFileStore({ directory, logger });
    const live = newKey();
    const expired = newKey();
    await store.create(live, { n: '1' }, LONG);
    await store.create(expired, { n: '2' }, LONG);
    const expiredPath = join(directory, `sess-${expired}.json`);
    const record = JSON.parse(await readFile(expiredPath, 'utf8')) as object;
    await writeFile(expiredPath, JSON.stringify({ ...record, expiresAt: Date.now() - 1 }));
    await writeFile(join(directory, `sess-${'0'.repeat(64)}.json`), 'truncated {');
    await writeFile(join(directory, 'sess-notes.json'), '{"expiresAt":0,"fields":{}}');

    expect(await store.count!()).toEqual({ live: 1, expired: 2 });
    const progress: PurgeProgress[] = [];
    expect(await store.purgeExpired!((step) => progress.push(step))).toEqual({ removed: 2 });
    expect(progress.map(({ done }) => done)).toEqual([1, 2, 3]);
    expect(progress.every(({ total }) => total === 3)).toBe(true);
    expect((await readdir(directory)).sort()).toEqual([`sess-${live}.json`, 'sess-notes.json']);
    expect(await store.count!()).toEqual({ live: 1, expired: 0 });
    await store.close();
  });

  it('finds nothing in a directory that does not exist yet, and creates none', async () => {
    const directory = join(scratch, 'never-written');
    const store = createFileStore({ directory, logger });
    expect(await store.count!()).toEqual({ live: 0, expired: 0 });
    expect(await store.purgeExpired!()).toEqual({ removed: 0 });
    await expect(readdir(directory)).rejects.toThrow(/ENOENT/);
    await store.close();
  });
});

describe('encryption at rest', () => {
  it('passes count and purgeExpired through to the store it wraps (they read expiries only)', async () => {
    const directory = join(scratch, 'encrypted');
    await mkdir(directory);
    const store = encryptStore(
      createFileStore({ directory, logger }),
      ['a secret of at least 16 chars'],
      logger,
    );
    await store.create(newKey(), { n: '1' }, LONG);
    expect(await store.count!()).toEqual({ live: 1, expired: 0 });
    expect(await store.purgeExpired!()).toEqual({ removed: 0 });
    await store.close();
  });
});

describe("tina4-session purge's progress bar", () => {
  it('draws a bar with the percentage and counts, fitted to the terminal', () => {
    expect(renderProgress('Purging', { done: 50, total: 200 }, 80)).toBe(
      `Purging [${'#'.repeat(8)}${'-'.repeat(22)}]  25% 50/200`,
    );
    expect(renderProgress('Purging', { done: 0, total: 0 }, 80)).toBe(`Purging [${'#'.repeat(30)}] 100% 0/0`);
    expect(renderProgress('Purging', { done: 7, total: 10 }, 30)).toBe('Purging [######---]  70% 7/10');
    expect(renderProgress('Purging', { done: 7, total: 10 }, 20)).toBe('Purging  70% 7/10');
  });

  it('shows the count alone when the total is unknown', () => {
    expect(renderProgress('Purging', { done: 1234 }, 80)).toBe('Purging 1234');
  });
});
