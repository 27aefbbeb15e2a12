import { execFileSync, spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createFileStore } from '../src/file-store/file-store.js';
import { generateSessionId, sessionKeyOf } from '../src/session/session-id.js';
import type { SessionStore } from '../src/store-kit/session-store.js';
import { storeComplianceSuite } from '../src/testing/index.js';
import { compileForChild } from './support/compile-for-child.js';

const scratch = await mkdtemp(join(tmpdir(), 'tina4-file-store-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

let directories = 0;
/** A fresh, not yet existing directory for one test. */
const newDirectory = (): string => join(scratch, `dir-${++directories}`);
const newKey = (): string => sessionKeyOf(generateSessionId());
const setFields = (set: Record<string, string>) => ({ replace: false, set, delete: [] });
const ttl = (ttlSeconds: number) => ({ ttlSeconds });
/** The name the store gives a session's file of this kind. */
const fileOf = (key: string, suffix = '.json'): string => `sess-${key}${suffix}`;
const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** A logger that keeps what it is told. */
function recordingLogger(): { warn(message: string): void; error(message: string): void; lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (message) => lines.push(message), error: (message) => lines.push(message) };
}

/** Reads a session file the way the store writes it, without the store. */
async function readRecord(
  directory: string,
  key: string,
): Promise<{ expiresAt: number; fields: Record<string, string> } | undefined> {
  try {
    return JSON.parse(await readFile(join(directory, fileOf(key)), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

const readOnly = await readOnlyDirectorySupport();

const suiteDirectory = newDirectory();
storeComplianceSuite(
  { describe, it, beforeAll, afterAll },
  {
    name: 'file',
    createStore: () => createFileStore({ directory: suiteDirectory }),
    lock: true,
    userSessions: true,
    backdoor: {
      fields: async (key) => (await readRecord(suiteDirectory, key))?.fields,
      ttlMs: async (key) => {
        const record = await readRecord(suiteDirectory, key);
        return record && record.expiresAt - Date.now();
      },
      async dump() {
        const names = await readdir(suiteDirectory);
        const contents = await Promise.all(
          names.map((name) => readFile(join(suiteDirectory, name), 'utf8').catch(() => '')),
        );
        return names.map((name, index) => `${name}\n${contents[index]}`).join('\n');
      },
    },
  },
);

describe('file store', () => {
  const stores: SessionStore[] = [];
  const open = (options: Partial<Parameters<typeof createFileStore>[0]> = {}): SessionStore => {
    const store = createFileStore({ directory: newDirectory(), ...options });
    stores.push(store);
    return store;
  };
  afterAll(() => Promise.all(stores.map((store) => store.close())));

  it('creates its directory (mode 0700) and session files (mode 0600)', async () => {
    const directory = join(newDirectory(), 'nested', 'sessions');
    const key = newKey();
    await open({ directory }).create(key, { a: '1' }, ttl(60));
    expect((await stat(directory)).mode & 0o777).toBe(0o700);
    expect((await stat(join(directory, fileOf(key)))).mode & 0o777).toBe(0o600);
    expect(await readRecord(directory, key)).toEqual({ expiresAt: expect.any(Number), fields: { a: '1' } });
  });

  it('refuses keys that are not SHA-256 hex digests, without echoing them', async () => {
    const store = open();
    for (const key of ['../../etc/passwd', generateSessionId(), 'A'.repeat(64), '']) {
      const failure = store.read(key);
      await expect(failure).rejects.toBeInstanceOf(TypeError);
      if (key) await expect(failure).rejects.not.toThrow(key);
    }
  });

  it('reads a corrupt file as missing and reports it once, naming the file', async () => {
    const directory = newDirectory();
    const logger = recordingLogger();
    const store = open({ directory, logger });
    await store.create(newKey(), { other: '1' }, ttl(60)); // creates the directory
    for (const content of ['{"expiresAt": 1', '{"fields": 1}', '', '{"expiresAt":9e15,"fields":{"a":1}}']) {
      const key = newKey();
      const path = join(directory, fileOf(key));
      await writeFile(path, content);
      logger.lines.length = 0;

      expect(await store.read(key)).toBeUndefined();
      expect(await store.read(key)).toBeUndefined();
      expect(logger.lines).toHaveLength(1);
      expect(logger.lines[0]).toContain(path);
      expect(logger.lines[0]).toContain('ignored');

      // The next write starts a fresh record over it.
      await store.create(key, { fresh: 'true' }, ttl(60));
      expect((await store.read(key))?.fields).toEqual({ fresh: 'true' });
    }
  });

  it('leaves no temporary or lock files behind', async () => {
    const directory = newDirectory();
    const store = open({ directory });
    const key = newKey();
    await store.create(key, {}, ttl(60));
    await Promise.all(
      Array.from({ length: 50 }, (_, index) => store.update(key, setFields({ [`f${index}`]: '1' }), ttl(60))),
    );
    await store.touch(key, ttl(120));
    await (await store.lock!(key, { waitMs: 1000, leaseMs: 5000 }))();
    expect(await readdir(directory)).toEqual([fileOf(key)]);
  });

  it('keeps the previous record and leaves no temporary file when a write fails', async () => {
    const directory = newDirectory();
    const store = open({ directory });
    const key = newKey();
    await store.create(key, { before: '1' }, ttl(60));
    const before = await readFile(join(directory, fileOf(key)), 'utf8');

    // `<key>.json` replaced by a directory: the temporary file is written, the rename fails.
    const blocked = newKey();
    await mkdir(join(directory, fileOf(blocked)));
    await expect(store.create(blocked, { a: '1' }, ttl(60))).rejects.toMatchObject({ code: 'EISDIR' });
    expect((await readdir(directory)).sort()).toEqual([fileOf(blocked), fileOf(key)].sort());
    expect(await readFile(join(directory, fileOf(key)), 'utf8')).toBe(before);
  });

  it('passes filesystem errors other than "missing" on to the caller', async () => {
    // A file where the directory should be (as with a mistyped TINA4_SESSION_PATH).
    const blocker = newDirectory();
    await writeFile(blocker, 'not a directory');
    const store = open({ directory: join(blocker, 'sessions') });
    await expect(store.create(newKey(), { a: '1' }, ttl(60))).rejects.toMatchObject({ code: 'ENOTDIR' });
    await expect(store.read(newKey())).rejects.toMatchObject({ code: 'ENOTDIR' });
  });

  (readOnly.available ? it : it.skip)(
    `rejects a write to a read-only directory and keeps the previous record (${readOnly.how})`,
    async () => {
      const directory = newDirectory();
      const store = open({ directory });
      const key = newKey();
      await store.create(key, { before: '1' }, ttl(60));
      const before = await readFile(join(directory, fileOf(key)), 'utf8');

      const undo = readOnly.apply(directory);
      try {
        await expect(store.update(key, setFields({ after: '2' }), ttl(60))).rejects.toMatchObject({
          code: expect.stringMatching(/^(EPERM|EACCES|EROFS)$/),
        });
      } finally {
        undo();
      }
      expect(await readFile(join(directory, fileOf(key)), 'utf8')).toBe(before);
      expect(await readdir(directory)).toEqual([fileOf(key)]);
      expect((await store.read(key))?.fields).toEqual({ before: '1' });
    },
  );

  it('removes expired sessions, abandoned temporary files and dead locks in the background', async () => {
    const directory = newDirectory();
    const logger = recordingLogger();
    const store = open({ directory, logger, reapIntervalMs: 100 });
    const [expiring, live, corrupt] = [newKey(), newKey(), newKey()];
    await store.create(expiring, { a: '1' }, ttl(1));
    await store.create(live, { b: '2' }, ttl(60));
    await writeFile(join(directory, fileOf(corrupt)), 'garbage');
    const longAgo = new Date(Date.now() - 3600_000);
    const temp = join(directory, `${fileOf(live)}.0123456789abcdef.tmp`);
    await writeFile(temp, '{"half":');
    await utimes(temp, longAgo, longAgo);
    const deadLock = join(directory, fileOf(newKey(), '.session-lock'));
    await writeFile(deadLock, JSON.stringify({ expiresAt: Date.now() - 3600_000, token: 'dead' }));
    const liveLock = join(directory, fileOf(newKey(), '.lock'));
    await writeFile(liveLock, JSON.stringify({ expiresAt: Date.now() + 60_000, token: 'live' }));

    const deadline = Date.now() + 10_000;
    while ((await readdir(directory)).length > 2 && Date.now() < deadline) await sleep(100);
    expect((await readdir(directory)).sort()).toEqual(
      [fileOf(live), liveLock.slice(directory.length + 1)].sort(),
    );
    expect(logger.lines).toEqual([expect.stringContaining(`ignored ${join(directory, fileOf(corrupt))}`)]);
  });

  it('takes over a lock left by a process that died, once its lease has run out', async () => {
    const directory = newDirectory();
    const store = open({ directory });
    const key = newKey();
    await store.create(key, { a: '1' }, ttl(60));
    const dead = JSON.stringify({ expiresAt: Date.now() - 1, token: 'dead' });
    await writeFile(join(directory, fileOf(key, '.lock')), dead);
    await writeFile(join(directory, fileOf(key, '.session-lock')), dead);

    const startedAt = Date.now();
    const release = await store.lock!(key, { waitMs: 1000, leaseMs: 5000 });
    await store.update(key, setFields({ b: '2' }), ttl(60));
    await release();
    expect(Date.now() - startedAt).toBeLessThan(1000);
    expect((await store.read(key))?.fields).toEqual({ a: '1', b: '2' });
  });

  it("takes over an overdue holder's session lock, and the overdue release leaves the new lock alone", async () => {
    const directory = newDirectory();
    const [a, b, c] = [open({ directory }), open({ directory }), open({ directory })];
    const key = newKey();
    const overdue = await a.lock!(key, { waitMs: 1000, leaseMs: 200 });
    const startedAt = Date.now();
    const taken = await b.lock!(key, { waitMs: 5000, leaseMs: 30_000 });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(150);
    await overdue();
    await expect(c.lock!(key, { waitMs: 200, leaseMs: 30_000 })).rejects.toMatchObject({
      code: 'E_SESSION_LOCK_TIMEOUT',
    });
    await taken();
    await (await c.lock!(key, { waitMs: 1000, leaseMs: 30_000 }))();
  });

  it('merges parallel writes of store instances that share only the directory', async () => {
    const directory = newDirectory();
    const instances = [open({ directory }), open({ directory }), open({ directory })];
    const key = newKey();
    await instances[0]!.create(key, {}, ttl(60));
    await Promise.all(
      instances.flatMap((store, which) =>
        Array.from({ length: 30 }, (_, index) =>
          store.update(key, setFields({ [`s${which}-${index}`]: '1' }), ttl(60)),
        ),
      ),
    );
    expect(Object.keys((await readRecord(directory, key))!.fields)).toHaveLength(90);
  });

  it('creates its directory again when it is removed while the store runs', async () => {
    const directory = newDirectory();
    const store = open({ directory });
    const key = newKey();
    await store.create(key, { a: '1' }, ttl(60));
    await rm(directory, { recursive: true });
    expect(await store.read(key)).toBeUndefined();
    await store.create(key, { b: '2' }, ttl(60));
    expect((await stat(directory)).mode & 0o777).toBe(0o700);
    expect((await store.read(key))?.fields).toEqual({ b: '2' });
    const release = await store.lock!(key, { waitMs: 1000, leaseMs: 5000 });
    await rm(directory, { recursive: true });
    await release(); // its file went with the directory: not an error
    await (await store.lock!(key, { waitMs: 1000, leaseMs: 5000 }))();
  });

  describe('changes of one session that queue up (group commit)', () => {
    it('are applied in order, each on top of the one before', async () => {
      const store = open();
      const [recreated, destroyed, touched] = [newKey(), newKey(), newKey()];
      await store.create(destroyed, { old: '1' }, ttl(60));
      const results = await Promise.all([
        // A create after a destroy starts the record again, from nothing.
        store.create(recreated, { a: '1' }, ttl(60)),
        store.destroy(recreated),
        store.update(recreated, setFields({ late: '1' }), ttl(60)),
        store.create(recreated, { b: '2' }, ttl(60)),
        // A destroy after an update wins, and an update after it changes nothing.
        store.update(destroyed, setFields({ a: '1' }), ttl(60)),
        store.destroy(destroyed),
        store.update(destroyed, setFields({ b: '1' }), ttl(60)),
        // A touch does not create a record, but extends the one a create before it made.
        store.touch(touched, ttl(600)),
        store.create(touched, { a: '1', b: '2' }, ttl(60)),
        store.update(touched, { replace: false, set: { c: '3' }, delete: ['a'] }, ttl(60)),
        store.touch(touched, ttl(600)),
      ]);
      expect(results).toEqual([
        true,
        undefined,
        false,
        true,
        true,
        undefined,
        false,
        false,
        true,
        true,
        true,
      ]);
      expect((await store.read(recreated))?.fields).toEqual({ b: '2' });
      expect(await store.read(destroyed)).toBeUndefined();
      const record = await store.read(touched);
      expect(record?.fields).toEqual({ b: '2', c: '3' });
      expect(record!.expiresAt - Date.now()).toBeGreaterThan(500_000);
    });

    it('are committed with one lock file renamed over the record', async () => {
      const directory = newDirectory();
      const store = open({ directory });
      const key = newKey();
      await store.create(key, { first: '1' }, ttl(60)); // creates the directory to watch
      // Each commit creates the lock file with the new record, then renames it to the record's name.
      let renamedIntoPlace = 0;
      const otherFiles = new Set<string>();
      const watcher = watch(directory, (event, name) => {
        if (name === fileOf(key) && event === 'rename') renamedIntoPlace++;
        else if (name !== fileOf(key) && name !== fileOf(key, '.lock')) otherFiles.add(String(name));
      });
      try {
        await Promise.all(
          Array.from({ length: 20 }, (_, index) =>
            store.update(key, setFields({ [`f${index}`]: '1' }), ttl(60)),
          ),
        );
        const deadline = Date.now() + 2000;
        while (renamedIntoPlace === 0 && Date.now() < deadline) await sleep(10);
        await sleep(50);
      } finally {
        watcher.close();
      }
      expect(renamedIntoPlace).toBe(1);
      expect(otherFiles).toEqual(new Set());
      expect(Object.keys((await readRecord(directory, key))!.fields)).toHaveLength(21);
    });

    it('wait together for a lock that another process holds, then commit together', async () => {
      const directory = newDirectory();
      const store = open({ directory });
      const key = newKey();
      await store.create(key, { before: '1' }, ttl(60));
      const lockPath = join(directory, fileOf(key, '.lock'));
      await writeFile(lockPath, JSON.stringify({ expiresAt: Date.now() + 60_000, token: 'other' }));

      let settled = 0;
      const writes = Array.from({ length: 10 }, (_, index) =>
        store.update(key, setFields({ [`f${index}`]: '1' }), ttl(60)).finally(() => settled++),
      );
      await sleep(150);
      const late = store.update(key, setFields({ late: '1' }), ttl(60)).finally(() => settled++);
      await sleep(100);
      expect(settled).toBe(0);
      expect((await readRecord(directory, key))?.fields).toEqual({ before: '1' });

      await rm(lockPath);
      await Promise.all([...writes, late]);
      expect(Object.keys((await readRecord(directory, key))!.fields).sort()).toEqual(
        ['before', 'late', ...Array.from({ length: 10 }, (_, index) => `f${index}`)].sort(),
      );
      expect(await readdir(directory)).toEqual([fileOf(key)]);
    });

    it('fail together when their commit fails, and leave nothing behind', async () => {
      const directory = newDirectory();
      const store = open({ directory });
      const key = newKey();
      await mkdir(join(directory, fileOf(key)), { recursive: true });
      const outcomes = await Promise.allSettled([
        store.update(key, setFields({ a: '1' }), ttl(60)),
        store.touch(key, ttl(60)),
        store.update(key, setFields({ b: '1' }), ttl(60)),
      ]);
      for (const outcome of outcomes) {
        expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'EISDIR' } });
      }
      expect(await readdir(directory)).toEqual([fileOf(key)]);
      // The next change of the key is a batch of its own.
      await rm(join(directory, fileOf(key)), { recursive: true });
      await store.create(key, { c: '1' }, ttl(60));
      expect((await store.read(key))?.fields).toEqual({ c: '1' });
    });
  });

  describe('across processes', () => {
    let script: string;
    beforeAll(async () => {
      script = await prepareChildScript(join(scratch, 'child'));
    }, 30_000);

    it('merges parallel writes of different fields from 4 processes and this one', async () => {
      const directory = newDirectory();
      const key = newKey();
      const store = open({ directory });
      await store.create(key, {}, ttl(60));
      const startAt = String(Date.now() + 700);
      const children = [0, 1, 2, 3].map((child) =>
        runChild(script, ['fields', directory, key, `p${child}-`, '40', startAt]),
      );
      await sleep(Number(startAt) - Date.now());
      await Promise.all(
        Array.from({ length: 40 }, (_, index) =>
          store.update(key, setFields({ [`parent-${index}`]: '1' }), ttl(60)),
        ),
      );
      await Promise.all(children);

      const fields = (await readRecord(directory, key))!.fields;
      expect(Object.keys(fields)).toHaveLength(5 * 40);
      for (const child of [0, 1, 2, 3]) expect(fields[`p${child}-39`]).toBe('39');
    });

    it('runs read-increment-write of 3 processes one after another under the session lock', async () => {
      const directory = newDirectory();
      const key = newKey();
      await open({ directory }).create(key, { count: '0' }, ttl(60));
      const startAt = String(Date.now() + 700);
      await Promise.all(
        [0, 1, 2].map(() => runChild(script, ['counter', directory, key, '', '20', startAt])),
      );
      expect((await readRecord(directory, key))?.fields).toEqual({ count: '60' });
    });
  });
});

/** Compiles the file store for plain Node and writes the child's script next to it. */
async function prepareChildScript(outDirectory: string): Promise<string> {
  await compileForChild('file-store/file-store.ts', outDirectory);
  const script = join(outDirectory, 'child.js');
  await writeFile(script, CHILD_SCRIPT);
  return script;
}

/** What each child process does: parallel writes of its own fields, or locked increments of one. */
const CHILD_SCRIPT = `
import { createFileStore } from './src/file-store/file-store.js';
const [mode, directory, key, prefix, count, startAt] = process.argv.slice(2);
const store = createFileStore({ directory, logger: { warn: console.error, error: console.error } });
const set = (fields) => ({ replace: false, set: fields, delete: [] });
await new Promise((done) => setTimeout(done, Math.max(0, Number(startAt) - Date.now())));
if (mode === 'fields') {
  await Promise.all(Array.from({ length: Number(count) }, (_, i) => store.update(key, set({ [prefix + i]: String(i) }), { ttlSeconds: 60 })));
} else {
  for (let i = 0; i < Number(count); i++) {
    const release = await store.lock(key, { waitMs: 20000, leaseMs: 20000 });
    try {
      const current = Number((await store.read(key))?.fields.count ?? '0');
      await store.update(key, set({ count: String(current + 1) }), { ttlSeconds: 60 });
    } finally {
      await release();
    }
  }
}
await store.close();
`;

function runChild(script: string, args: string[]): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', fail);
    child.on('exit', (code) =>
      code === 0 ? done() : fail(new Error(`child exited with ${code}: ${stderr}`)),
    );
  });
}

/**
 * How this machine can make a directory refuse new files: `chattr +i` (works for root, who ignores
 * permission bits, on ext4/xfs/btrfs), else mode 0500 for a non-root user.
 */
async function readOnlyDirectorySupport(): Promise<{
  available: boolean;
  how: string;
  apply(directory: string): () => void;
}> {
  if (process.getuid?.() !== 0) {
    const { chmodSync } = await import('node:fs');
    return {
      available: true,
      how: 'mode 0500',
      apply(directory) {
        chmodSync(directory, 0o500);
        return () => chmodSync(directory, 0o700);
      },
    };
  }
  const probe = await mkdtemp(join(scratch, 'chattr-probe-'));
  try {
    execFileSync('chattr', ['+i', probe], { stdio: 'ignore' });
    execFileSync('chattr', ['-i', probe], { stdio: 'ignore' });
  } catch {
    return { available: false, how: 'chattr +i is not available here', apply: () => () => {} };
  }
  return {
    available: true,
    how: 'chattr +i',
    apply(directory) {
      execFileSync('chattr', ['+i', directory]);
      return () => execFileSync('chattr', ['-i', directory]);
    },
  };
}
