import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { type SessionRequest, sessions } from '../src/adapters/express/index.js';
import { createFileStore } from '../src/file-store/file-store.js';
import { createMemoryStore } from '../src/memory-store/memory-store.js';
import { generateSessionId, sessionKeyOf } from '../src/session/session-id.js';
import { listen } from './support/apps/running-server.js';

const scratch = await mkdtemp(join(tmpdir(), 'tina4-bounds-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

const newKey = (): string => sessionKeyOf(generateSessionId());
const LONG = { ttlSeconds: 600 };
const change = (set: Record<string, string>) => ({ replace: false, set, delete: [] });

/** A logger that keeps what it was told. */
function recordingLogger() {
  const lines: string[] = [];
  return { lines, warn: (line: string) => lines.push(line), error: (line: string) => lines.push(line) };
}

describe('TINA4_SESSION_MAX_SESSIONS on the memory store', () => {
  it('drops the least recently used session beyond the bound and says so once', async () => {
    const logger = recordingLogger();
    const store = createMemoryStore({ maxSessions: 3, logger });
    const [oldest, used, third, fourth, fifth] = [newKey(), newKey(), newKey(), newKey(), newKey()];
    for (const key of [oldest, used, third]) await store.create(key, { n: '1' }, LONG);
    await store.read(oldest); // now `used` is the least recently used
    await store.create(fourth, { n: '1' }, LONG);
    await store.create(fifth, { n: '1' }, LONG);

    expect(await store.read(used)).toBeUndefined();
    expect(await store.read(third)).toBeUndefined();
    for (const key of [oldest, fourth, fifth]) expect(await store.read(key)).toBeDefined();
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatch(/memory store: full at 3 sessions \(TINA4_SESSION_MAX_SESSIONS\)/);
    await store.close();
  });

  it('refuses a bound that is not a whole number from 1', () => {
    expect(() => createMemoryStore({ maxSessions: 0 })).toThrow(/maxSessions 0 is not valid/);
  });
});

describe('TINA4_SESSION_MAX_SESSIONS on the file store', () => {
  it('refuses new sessions at the bound, naming it, while existing ones keep working', async () => {
    const directory = join(scratch, 'full');
    const store = createFileStore({ directory, maxSessions: 2, logger: recordingLogger() });
    const [first, second, third] = [newKey(), newKey(), newKey()];
    expect(await store.create(first, { n: '1' }, LONG)).toBe(true);
    expect(await store.create(second, { n: '1' }, LONG)).toBe(true);

    await expect(store.create(third, { n: '1' }, LONG)).rejects.toThrow(
      /holds 2 sessions, its bound \(TINA4_SESSION_MAX_SESSIONS=2\)/,
    );
    expect(await store.read(third)).toBeUndefined();
    expect(await store.update(first, change({ more: '2' }), LONG)).toBe(true);
    expect((await store.read(first))?.fields).toEqual({ n: '1', more: '2' });
    // A regenerate moves a session: it does not add one, so it is not refused.
    const moved = newKey();
    expect(await store.move(second, moved, (fields) => ({ ...fields }), LONG)).toBe(true);

    // Room again once a session is gone.
    await store.destroy(first);
    expect(await store.create(third, { n: '1' }, LONG)).toBe(true);
    await store.close();
  });

  it("counts the session files already in the directory, and only the store's own names", async () => {
    const directory = join(scratch, 'existing');
    const before = createFileStore({ directory, logger: recordingLogger() });
    await before.create(newKey(), { n: '1' }, LONG);
    await before.close();
    await writeFile(join(directory, 'notes.json'), '{}');
    await writeFile(join(directory, `${'a'.repeat(64)}.json`), '{}');

    const store = createFileStore({ directory, maxSessions: 2, logger: recordingLogger() });
    expect(await store.create(newKey(), { n: '1' }, LONG)).toBe(true);
    await expect(store.create(newKey(), { n: '1' }, LONG)).rejects.toThrow(/holds 2 sessions/);
    expect((await readdir(directory)).filter((name) => name.startsWith('sess-'))).toHaveLength(2);
    await store.close();
  });

  it('keeps a create in its place among the changes of its key once the directory is counted', async () => {
    const store = createFileStore({
      directory: join(scratch, 'order'),
      maxSessions: 100,
      logger: recordingLogger(),
    });
    await store.create(newKey(), {}, LONG); // the first create waits for the directory's count
    const key = newKey();
    const results = await Promise.all([
      store.create(key, { a: '1' }, LONG),
      store.destroy(key),
      store.create(key, { b: '2' }, LONG),
    ]);
    expect(results).toEqual([true, undefined, true]);
    expect((await store.read(key))?.fields).toEqual({ b: '2' });
    await store.close();
  });

  it('has no bound unless one is set, and refuses one that is not a whole number from 1', async () => {
    expect(() => createFileStore({ directory: join(scratch, 'bad'), maxSessions: 1.5 })).toThrow(
      /maxSessions 1.5 is not valid/,
    );
    const store = createFileStore({ directory: join(scratch, 'unbounded'), logger: recordingLogger() });
    for (let index = 0; index < 20; index++) expect(await store.create(newKey(), {}, LONG)).toBe(true);
    await store.close();
  });
});

describe('a full file store, over HTTP', () => {
  it('answers 503 with Retry-After to a new visitor, logs the bound once, and serves the stored session', async () => {
    const logger = recordingLogger();
    const middleware = sessions({
      env: { TINA4_SESSION_PATH: join(scratch, 'http'), TINA4_SESSION_MAX_SESSIONS: '1' },
      envFile: false,
      logger,
    });
    await middleware.ready;
    const server = createServer((req, res) => {
      void middleware(req, res, () => {
        const { session } = req as SessionRequest;
        session.set('visits', Number(session.get('visits') ?? 0) + 1);
        res.end(String(session.get('visits')));
      });
    });
    const app = await listen(server, () => middleware.close());
    try {
      const first = await fetch(app.url);
      expect(first.status).toBe(200);
      const cookie = first.headers.getSetCookie()[0]!.split(';')[0]!;

      for (let visitor = 0; visitor < 3; visitor++) {
        const refused = await fetch(app.url);
        expect(refused.status).toBe(503);
        expect(refused.headers.get('retry-after')).not.toBeNull();
        expect(refused.headers.getSetCookie()).toEqual([]);
      }
      const again = await fetch(app.url, { headers: { cookie } });
      expect([again.status, await again.text()]).toEqual([200, '2']);
      const bound = logger.lines.filter((line) => line.includes('TINA4_SESSION_MAX_SESSIONS=1'));
      expect(bound).toHaveLength(1);
      expect(bound[0]).toMatch(/file store holds 1 sessions/);
    } finally {
      await app.close();
    }
  });
});
