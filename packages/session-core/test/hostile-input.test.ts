import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { sessions } from '../src/adapters/express/index.js';
import { createFileStore } from '../src/index.js';
import { listen } from './support/apps/running-server.js';
import { finishRequest, memoryManager, openRequest } from './support/manager.js';

describe('values and keys a store could not keep as they are', () => {
  it('refuses a key with an unpaired surrogate, naming it, in set() and flash()', async () => {
    const { session } = await openRequest(memoryManager());
    expect(() => session.set('name\ud800', 1)).toThrow(TypeError);
    expect(() => session.set('\udc00x', 1)).toThrow(/unpaired UTF-16 surrogate/);
    expect(() => session.flash('note\ud83d', 'x')).toThrow(/"note\\ud83d"/);
    // A whole astral character is two surrogates, paired: fine.
    session.set('cart 🛒', 1);
    expect(session.all()).toEqual({ 'cart 🛒': 1 });
  });

  it('refuses a value nested deeper than 100 levels with a TypeError that names the limit', async () => {
    const { session } = await openRequest(memoryManager());
    let deep: unknown = 'bottom';
    for (let level = 0; level < 5000; level++) deep = { a: deep };
    expect(() => session.set('draft', deep as never)).toThrow(TypeError);
    expect(() => session.set('draft', deep as never)).toThrow(/nested more than 100 levels deep/);
    let fine: unknown = 'bottom';
    for (let level = 0; level < 99; level++) fine = [fine];
    session.set('fine', fine as never);
    expect(session.has('fine')).toBe(true);
  });

  it('refuses only growth once a session is over TINA4_SESSION_MAX_BYTES', async () => {
    const store = memoryManager().store;
    const large = memoryManager({ maxBytes: 10_000 }, store);
    const first = await openRequest(large);
    first.session.set('big', 'x'.repeat(500));
    const cookie = (await finishRequest(first))!.split(';')[0];
    // The limit is lowered below what the session already holds.
    const small = memoryManager({ maxBytes: 100 }, store);
    const { session } = await openRequest(small, cookie);
    expect(() => session.set('big', 'y'.repeat(501))).toThrow(/over the limit of 100 bytes/);
    session.set('big', 'y'.repeat(500)); // the same size: not growth
    session.set('big', 'small now');
    expect(session.get('big')).toBe('small now');
  });
});

describe('several session cookies in one request', () => {
  it('takes the first live one, whatever was planted before it, and accepts a quoted value', async () => {
    const manager = memoryManager();
    const login = await openRequest(manager);
    login.session.set('user', 'alice');
    const id = (await finishRequest(login))!.split(';')[0]!.split('=')[1]!;
    const planted = 'A'.repeat(43); // well-formed, but not a session
    const both = await openRequest(manager, `tina4_session=${planted}; tina4_session=${id}`);
    expect(both.session.get('user')).toBe('alice');
    const quoted = await openRequest(manager, `other=1; tina4_session="${id}"`);
    expect(quoted.session.get('user')).toBe('alice');
    expect(manager.sessionIdsFrom(`tina4_session=x; tina4_session=${planted}; tina4_session=${id}`)).toEqual([
      planted,
      id,
    ]);
  });
});

describe('plain node:http', () => {
  it('runs a handler that throws once, and its error reaches the caller', async () => {
    const middleware = sessions({ backend: 'memory', envFile: false, env: {} });
    await middleware.ready;
    let runs = 0;
    const caught: unknown[] = [];
    const server = createServer((req, res) => {
      const outcome = middleware(req, res, () => {
        runs++;
        res.writeHead(500).end();
        throw new Error('handler bug');
      });
      // With a session cookie the middleware reads the store first: the error comes back as a rejection.
      if (outcome instanceof Promise) outcome.catch((error: unknown) => caught.push(error));
    });
    const app = await listen(server, () => middleware.close());
    try {
      const forged = 'B'.repeat(43);
      const response = await fetch(`${app.url}/`, { headers: { cookie: `tina4_session=${forged}` } });
      expect(response.status).toBe(500);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(runs).toBe(1);
      expect(caught).toEqual([expect.objectContaining({ message: 'handler bug' })]);
    } finally {
      await app.close();
    }
  });
});

describe('the file store in a directory it shares', () => {
  const root = mkdtemp(join(tmpdir(), 'tina4-shared-'));
  afterAll(async () => rm(await root, { recursive: true, force: true }));

  it("its cleanup touches only the files it creates, however old other programs' files are", async () => {
    const directory = await root;
    const foreign = [
      'yarn.lock',
      'Cargo.lock',
      'Gemfile.lock',
      'build.tmp',
      'notes.json.0123456789abcdef.tmp',
      `${'a'.repeat(64)}.json`,
      `${'b'.repeat(64)}.lock`,
      `${'c'.repeat(64)}.session-lock`,
    ];
    const longAgo = new Date(Date.now() - 7 * 24 * 3600_000);
    for (const name of foreign) {
      await writeFile(join(directory, name), name.endsWith('.json') ? '{"expiresAt":1,"fields":{}}' : 'x');
      await utimes(join(directory, name), longAgo, longAgo);
    }
    const store = createFileStore({ directory, reapIntervalMs: 50 });
    await store.create('d'.repeat(64), { a: '1' }, { ttlSeconds: 1 });
    try {
      const deadline = Date.now() + 5000;
      while ((await readdir(directory)).includes(`sess-${'d'.repeat(64)}.json`) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect((await readdir(directory)).sort()).toEqual([...foreign].sort());
    } finally {
      await store.close();
    }
  });
});
