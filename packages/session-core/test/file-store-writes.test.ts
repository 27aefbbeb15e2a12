import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createFileStore } from '../src/file-store/file-store.js';
import { generateSessionId, sessionKeyOf } from '../src/session/session-id.js';
import type { SessionStore } from '../src/store-kit/session-store.js';
import { compileForChild } from './support/compile-for-child.js';

/**
 * How the file store writes: the lock file is created with the new record in it and renamed over
 * the record, and a write that follows a read of the same session starts from that read.
 */
const scratch = await mkdtemp(join(tmpdir(), 'tina4-file-writes-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

let directories = 0;
const newDirectory = (): string => join(scratch, `dir-${++directories}`);
const newKey = (): string => sessionKeyOf(generateSessionId());
const setFields = (set: Record<string, string>) => ({ replace: false, set, delete: [] });
const ttl = { ttlSeconds: 60 };
const fileOf = (key: string, suffix = '.json'): string => `sess-${key}${suffix}`;

describe('file store writes', () => {
  const stores: SessionStore[] = [];
  const open = (directory: string): SessionStore => {
    const store = createFileStore({ directory });
    stores.push(store);
    return store;
  };
  afterAll(() => Promise.all(stores.map((store) => store.close())));

  it("plans a write again under the lock when another process changed the record since this one's read", async () => {
    const directory = newDirectory();
    const [here, elsewhere] = [open(directory), open(directory)];
    const key = newKey();
    await here.create(key, { first: '1' }, ttl);
    expect((await here.read(key))?.fields).toEqual({ first: '1' }); // remembered by `here`
    await elsewhere.update(key, setFields({ other: '2' }), ttl);
    expect(await here.update(key, setFields({ mine: '3' }), ttl)).toBe(true);
    expect((await elsewhere.read(key))?.fields).toEqual({ first: '1', other: '2', mine: '3' });
    expect(await readdir(directory)).toEqual([fileOf(key)]);
  });

  it('does not let a remembered read revive a record that another process destroyed', async () => {
    const directory = newDirectory();
    const [here, elsewhere] = [open(directory), open(directory)];
    const key = newKey();
    await here.create(key, { a: '1' }, ttl);
    await here.read(key);
    await elsewhere.destroy(key);
    expect(await here.update(key, setFields({ b: '2' }), ttl)).toBe(false);
    expect(await here.touch(key, ttl)).toBe(false);
    expect(await readdir(directory)).toEqual([]);
  });

  it('takes over the lock of a writer that died mid-write, once its file is older than the lease', async () => {
    const directory = newDirectory();
    const store = open(directory);
    const key = newKey();
    await store.create(key, { a: '1' }, ttl);
    // What a writer leaves when it dies between creating its lock file and renaming it: a record, no lease.
    const lockPath = join(directory, fileOf(key, '.lock'));
    await writeFile(lockPath, JSON.stringify({ expiresAt: Date.now() + 60_000, fields: { lost: '1' } }));
    const longAgo = new Date(Date.now() - 60_000);
    await utimes(lockPath, longAgo, longAgo);
    expect(await store.update(key, setFields({ b: '2' }), ttl)).toBe(true);
    expect((await store.read(key))?.fields).toEqual({ a: '1', b: '2' });
    expect(await readdir(directory)).toEqual([fileOf(key)]);
  });

  it('waits for a lock file that another process is writing its record into', async () => {
    const directory = newDirectory();
    const store = open(directory);
    const key = newKey();
    await store.create(key, { a: '1' }, ttl);
    const lockPath = join(directory, fileOf(key, '.lock'));
    // Fresh, and no lease in it: another process's write in flight.
    await writeFile(
      lockPath,
      JSON.stringify({ expiresAt: Date.now() + 60_000, fields: { a: '1', theirs: '2' } }),
    );
    let settled = false;
    const write = store.update(key, setFields({ mine: '3' }), ttl).finally(() => {
      settled = true;
    });
    await new Promise((done) => setTimeout(done, 100));
    expect(settled).toBe(false);
    // The other process publishes its record, which releases the lock.
    const { rename } = await import('node:fs/promises');
    await rename(lockPath, join(directory, fileOf(key)));
    await write;
    expect(JSON.parse(await readFile(join(directory, fileOf(key)), 'utf8')).fields).toEqual({
      a: '1',
      theirs: '2',
      mine: '3',
    });
  });
});

describe('file calls of one write (counted in a child process by wrapping node:fs)', () => {
  let script: string;
  beforeAll(async () => {
    const out = join(scratch, 'child');
    await compileForChild('file-store/file-store.ts', out);
    script = join(out, 'count-calls.js');
    await writeFile(script, COUNTING_SCRIPT);
  }, 30_000);

  it("costs four calls for a request's read and write of its session, one for a read alone", async () => {
    const counts = await runCounting(script, newDirectory());
    expect(counts).toEqual({
      read: ['readFileSync'],
      readThenUpdate: ['readFileSync', 'writeFileSync', 'readFileSync', 'renameSync'],
      updateWithoutRead: ['readFileSync', 'writeFileSync', 'readFileSync', 'renameSync'],
      // A session per user: each its own file, each write the same four calls.
      manyUsers: Array.from({ length: 5 }, () => 4),
    });
  });
});

/** Wraps `node:fs` before the store is loaded and prints the calls each step made, as JSON. */
const COUNTING_SCRIPT = `
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { randomBytes, createHash } from 'node:crypto';
let calls = [];
for (const name of Object.keys(fs)) {
  const original = fs[name];
  if (typeof original !== 'function' || !/^[a-z]/.test(name) || name === 'watch') continue;
  fs[name] = function (...args) { calls.push(name); return original.apply(this, args); };
}
for (const name of Object.keys(fs.promises)) {
  const original = fs.promises[name];
  if (typeof original !== 'function') continue;
  fs.promises[name] = function (...args) { calls.push('promises.' + name); return original.apply(this, args); };
}
syncBuiltinESMExports();
const { createFileStore } = await import('./src/file-store/file-store.js');
const directory = process.argv[2];
const store = createFileStore({ directory });
const newKey = () => createHash('sha256').update(randomBytes(32)).digest('hex');
const set = (fields) => ({ replace: false, set: fields, delete: [] });
const ttl = { ttlSeconds: 60 };
const counted = async (step) => { calls = []; await step(); const made = calls; calls = []; return made; };
const key = newKey();
await store.create(key, { count: '0' }, ttl);
const read = await counted(() => store.read(key));
const readThenUpdate = await counted(async () => {
  await store.read(key);
  await store.update(key, set({ count: '1' }), ttl);
});
const updateWithoutRead = await counted(() => store.update(key, set({ count: '2' }), ttl));
const keys = Array.from({ length: 5 }, newKey);
for (const each of keys) await store.create(each, { count: '0' }, ttl);
const manyUsers = [];
for (const each of keys) {
  await store.read(each);
  manyUsers.push((await counted(() => store.update(each, set({ count: '1' }), ttl))).length + 1);
}
await store.close();
process.stdout.write(JSON.stringify({ read, readThenUpdate, updateWithoutRead, manyUsers }));
`;

function runCounting(script: string, directory: string): Promise<unknown> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [script, directory], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', fail);
    child.on('exit', (code) =>
      code === 0 ? done(JSON.parse(stdout)) : fail(new Error(`child exited with ${code}: ${stderr}`)),
    );
  });
}
