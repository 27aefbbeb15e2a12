import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryStore, type SessionOptions } from '@tina4/session-core';
import { type BackendName, provideTestBackend } from '@tina4/test-servers';
import { Redis } from 'ioredis';
import { sqlTargets } from './sql-stores.js';

/**
 * Every store this machine can run, each with the session options that make an app use it and a
 * back door that reads what is really stored, bypassing the store's own API.
 */
export interface StoreTarget {
  /** memory, file, redis, valkey, sqlite, postgres, mariadb, firebird, mongodb. */
  readonly name: string;
  /**
   * Session options for an app on this store, merged with `extra`: the settings an app gives to have
   * the core load the backend package by name (the memory target passes a store instance over a
   * shared map instead). Variables never come from the machine's environment or a `.env` file:
   * each test states every setting it depends on.
   */
  options(extra?: SessionOptions): Promise<SessionOptions>;
  /** The same, synchronously. */
  settings(extra?: SessionOptions): SessionOptions;
  readonly backdoor: Backdoor;
  /** Removes what the tests stored and closes the back door's connections. */
  dispose(): Promise<void>;
}

export interface Backdoor {
  /** The raw stored fields of a session key (field -> stored text), undefined when absent. */
  fields(key: string): Promise<Record<string, string> | undefined>;
  /** Everything this target holds, as text (for "the raw id is nowhere" and "no plaintext" checks). */
  dump(): Promise<string>;
}

/** A store that cannot run here, and why. */
export interface SkippedStore {
  readonly name: string;
  readonly reason: string;
}

/** Builds the options of a target: its own settings, then the test's, with `env` merged, not replaced. */
export function mergeOptions(base: SessionOptions, extra: SessionOptions = {}): SessionOptions {
  return { envFile: false, ...base, ...extra, env: { ...base.env, ...extra.env } };
}

/** The in-process memory store: every app instance gets its own store over one shared map. */
export function memoryTarget(): StoreTarget {
  const entries = new Map<string, { fields: Record<string, string>; expiresAt: number }>();
  return {
    name: 'memory',
    options: async (extra) =>
      mergeOptions({ store: createMemoryStore({ entries, maxSessions: 1_000_000 }) }, extra),
    settings: (extra) => mergeOptions({ backend: 'memory' }, extra),
    backdoor: {
      fields: async (key) => (entries.has(key) ? { ...entries.get(key)!.fields } : undefined),
      dump: async () => JSON.stringify([...entries]),
    },
    dispose: async () => entries.clear(),
  };
}

/** The file store in a fresh temporary directory, read back file by file. */
export async function fileTarget(directory?: string): Promise<StoreTarget> {
  const dir = directory ?? (await mkdtemp(join(tmpdir(), 'tina4-reliability-files-')));
  return {
    name: 'file',
    options: async (extra) => mergeOptions({ backend: 'file', path: dir }, extra),
    settings: (extra) => mergeOptions({ backend: 'file', path: dir }, extra),
    backdoor: {
      async fields(key) {
        try {
          return (
            JSON.parse(await readFile(join(dir, `sess-${key}.json`), 'utf8')) as {
              fields: Record<string, string>;
            }
          ).fields;
        } catch {
          return undefined;
        }
      },
      async dump() {
        const names = await readdir(dir).catch(() => [] as string[]);
        const parts = await Promise.all(
          names.map(async (name) => `${name} ${await readFile(join(dir, name), 'utf8').catch(() => '')}`),
        );
        return parts.join('\n');
      },
    },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * A Redis or Valkey store at `url`, under a key prefix of its own. The back door reads the hash
 * `<prefix>{<key>}` that the store keeps per session (its empty-named field is the store's marker).
 */
export function redisLikeTarget(name: 'redis' | 'valkey', url: string): StoreTarget {
  const prefix = `tina4reliability:${name}:${randomUUID().slice(0, 8)}:`;
  const raw = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const scan = async (): Promise<string[]> => {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await raw.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    return keys;
  };
  const settings = (extra?: SessionOptions): SessionOptions =>
    mergeOptions({ backend: name, env: { TINA4_SESSION_URL: url, TINA4_SESSION_PREFIX: prefix } }, extra);
  return {
    name,
    settings,
    options: async (extra) => settings(extra),
    backdoor: {
      async fields(key) {
        const hash = await raw.hgetall(`${prefix}{${key}}`);
        if (Object.keys(hash).length === 0) return undefined;
        const { '': _marker, ...fields } = hash;
        return fields;
      },
      async dump() {
        const lines: string[] = [];
        for (const key of await scan()) {
          const type = await raw.type(key);
          const value = type === 'hash' ? await raw.hgetall(key) : await raw.get(key);
          lines.push(`${key} ${JSON.stringify(value)}`);
        }
        return lines.join('\n');
      },
    },
    async dispose() {
      const keys = await scan().catch(() => [] as string[]);
      if (keys.length > 0) await raw.del(...keys).catch(() => 0);
      raw.disconnect();
    },
  };
}

/**
 * MongoDB, in a database of its own (the store's `TINA4_SESSION_DATABASE`); the back door reads the
 * documents with the official driver. Emptied rather than dropped afterwards: the stand-in server of
 * this repository's CI has no `dropDatabase`.
 */
export async function mongoTarget(url: string): Promise<StoreTarget> {
  const { MongoClient } = await import('mongodb');
  const { decodeFieldName } = await import('@tina4/session-mongodb');
  const database = `reliability_${randomUUID().slice(0, 8)}`;
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
  const collection = client
    .db(database)
    .collection<{ _id: string; data: Record<string, string> }>('tina4_sessions');
  const settings = (extra?: SessionOptions): SessionOptions =>
    mergeOptions(
      { backend: 'mongodb', env: { TINA4_SESSION_URL: url, TINA4_SESSION_DATABASE: database } },
      extra,
    );
  return {
    name: 'mongodb',
    settings,
    options: async (extra) => settings(extra),
    backdoor: {
      async fields(key) {
        const document = await collection.findOne({ _id: key });
        if (!document) return undefined;
        return Object.fromEntries(
          Object.entries(document.data ?? {}).map(([n, v]) => [decodeFieldName(n), v]),
        );
      },
      dump: async () => JSON.stringify(await collection.find({}).toArray()),
    },
    async dispose() {
      await collection.deleteMany({}).catch(() => undefined);
      await client
        .db(database)
        .collection('tina4_sessions_locks')
        .deleteMany({})
        .catch(() => undefined);
      await client.close();
    },
  };
}

/** A server-backed target from the test harness's URL for `backend`, or why there is none. */
async function fromHarness(
  backend: BackendName,
  build: (url: string) => StoreTarget | Promise<StoreTarget>,
): Promise<StoreTarget | SkippedStore> {
  const provided = await provideTestBackend(backend);
  if ('skip' in provided) return { name: backend, reason: provided.skip };
  const target = await build(provided.url);
  return {
    ...target,
    async dispose() {
      await target.dispose();
      await provided.stop();
    },
  };
}

/**
 * Every store that can run here, in a stable order, and the ones that cannot (with the reason, for
 * the test output). Server URLs come from `provideTestBackend` (`TINA4_TEST_<NAME>_URL`), which
 * throws for a backend that `TINA4_TEST_REQUIRE` lists but that is missing.
 */
export async function availableStores(): Promise<{ targets: StoreTarget[]; skipped: SkippedStore[] }> {
  const candidates: (StoreTarget | SkippedStore)[] = [
    memoryTarget(),
    await fileTarget(),
    await fromHarness('redis', (url) => redisLikeTarget('redis', url)),
    await fromHarness('valkey', (url) => redisLikeTarget('valkey', url)),
    ...(await sqlTargets()),
    await fromHarness('mongodb', mongoTarget),
  ];
  const targets = candidates.filter((candidate): candidate is StoreTarget => 'options' in candidate);
  const skipped = candidates.filter((candidate): candidate is SkippedStore => 'reason' in candidate);
  for (const { name, reason } of skipped) console.warn(`[reliability] store ${name} skipped: ${reason}`);
  return { targets, skipped };
}

/** Closes every target's back door and removes what the tests stored. */
export async function disposeAll(targets: readonly StoreTarget[]): Promise<void> {
  await Promise.all(targets.map((target) => target.dispose().catch(() => {})));
}
