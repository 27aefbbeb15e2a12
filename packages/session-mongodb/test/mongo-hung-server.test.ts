import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RequestSession, resolveSessionConfig, SessionManager, type SessionStore } from '@tina4/session-core';
import {
  type MongoServerProcess,
  mongoServerBinary,
  skipOrFail,
  startMongoServerOnFreePort,
} from '@tina4/test-servers';
import { createStoreFromConfig } from '../src/index.js';

/**
 * A server that hangs without going away: the process is frozen (SIGSTOP), so connections stay
 * open and nothing is answered, the case a socket error never reports. Each operation must fail
 * within TINA4_SESSION_STORE_TIMEOUT (a 503 for the request), and the same store instance must
 * work again once the server runs (SIGCONT), without a restart. A private server on a free port,
 * started by this test: a real `mongod` when one is on the PATH, else the jongodb stand-in.
 */
const STORE_TIMEOUT_MS = 1000;
/** The deadline plus slack for a loaded machine. */
const FAIL_FAST_MS = STORE_TIMEOUT_MS + 800;
const UNAVAILABLE = { code: 'E_SESSION_STORE_UNAVAILABLE' };

async function timed<T>(work: Promise<T>): Promise<{ ms: number; outcome: PromiseSettledResult<T> }> {
  const started = Date.now();
  const [outcome] = await Promise.allSettled([work]);
  return { ms: Date.now() - started, outcome: outcome! };
}

/** A request of the session whose `Cookie` header this is (none for a new visitor). */
const load = async (manager: SessionManager, cookie?: string): Promise<RequestSession> =>
  RequestSession.begin(manager, cookie, false);

const commit = async (request: RequestSession): Promise<string> => {
  const header = await request.finish();
  if (!header) throw new Error('expected a Set-Cookie header');
  return header.split(';')[0]!;
};

const binary = mongoServerBinary();

if ('missing' in binary) {
  skipOrFail('mongodb', binary.missing);
  describe.skip('mongodb store on a hung server', () => {
    it('needs a server binary', () => {});
  });
} else {
  describe(`mongodb store on a hung server (${binary.kind}, frozen with SIGSTOP)`, () => {
    const log: { level: 'warn' | 'error'; message: string }[] = [];
    const logger = {
      warn: (message: string) => log.push({ level: 'warn', message }),
      error: (message: string) => log.push({ level: 'error', message }),
    };
    let server: MongoServerProcess;
    let store: SessionStore;
    let manager: SessionManager;
    let cookie: string;

    beforeAll(async () => {
      server = await startMongoServerOnFreePort(binary);
      store = await createStoreFromConfig(
        resolveSessionConfig({
          envFile: false,
          env: {
            TINA4_SESSION_BACKEND: 'mongodb',
            TINA4_SESSION_URL: server.url,
            TINA4_SESSION_STORE_TIMEOUT: String(STORE_TIMEOUT_MS),
          },
        }),
      );
      const config = resolveSessionConfig({
        envFile: false,
        env: { TINA4_SESSION_STORE_TIMEOUT: String(STORE_TIMEOUT_MS) },
        store,
        logger,
      });
      manager = new SessionManager(config, store);
      const request = await load(manager);
      request.session.set('cart', [1, 2, 3]);
      cookie = await commit(request);
    });

    afterAll(async () => {
      server?.resume();
      await store?.close();
      await server?.stop();
    });

    it('fails every operation within the deadline while the server is frozen', async () => {
      server.pause();
      try {
        // Reads through the core (what a request does), one after another and in a burst.
        for (let attempt = 0; attempt < 3; attempt++) {
          const { ms, outcome } = await timed(load(manager, cookie));
          expect(outcome.status).toBe('rejected');
          expect((outcome as PromiseRejectedResult).reason).toMatchObject(UNAVAILABLE);
          expect(ms).toBeLessThan(FAIL_FAST_MS);
        }
        const burst = await timed(
          Promise.allSettled(Array.from({ length: 10 }, () => load(manager, cookie))),
        );
        const results = (burst.outcome as PromiseFulfilledResult<PromiseSettledResult<RequestSession>[]>)
          .value;
        expect(results.every((result) => result.status === 'rejected')).toBe(true);
        expect(burst.ms).toBeLessThan(FAIL_FAST_MS);

        // Every kind of store operation, straight on the store: each gives up by itself.
        const key = 'f'.repeat(64);
        const operations: [string, () => Promise<unknown>][] = [
          ['read', () => store.read(key)],
          ['create', () => store.create(key, { a: '1' }, { ttlSeconds: 60 })],
          [
            'update',
            () => store.update(key, { replace: false, set: { a: '2' }, delete: [] }, { ttlSeconds: 60 }),
          ],
          ['move', () => store.move(key, 'e'.repeat(64), (fields) => fields, { ttlSeconds: 60 })],
          ['touch', () => store.touch(key, { ttlSeconds: 60 })],
          ['destroy', () => store.destroy(key)],
          ['lock', () => store.lock!(key, { waitMs: 500, leaseMs: 5000 })],
        ];
        for (const [name, operation] of operations) {
          const { ms, outcome } = await timed(operation());
          expect({ name, status: outcome.status }).toEqual({ name, status: 'rejected' });
          expect({ name, ms: ms < FAIL_FAST_MS + 500 }).toEqual({ name, ms: true });
        }
        // One line for the whole outage, not one per failed request.
        expect(log.filter((entry) => entry.level === 'error')).toHaveLength(1);
      } finally {
        server.resume();
      }
    }, 60_000);

    it('works again with the same store instance once the server runs again', async () => {
      const deadline = Date.now() + 10_000;
      let loaded: RequestSession | undefined;
      while (!loaded) {
        try {
          loaded = await load(manager, cookie);
        } catch (error) {
          if (Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      // The server was frozen, not restarted: the session is still there.
      expect(loaded.session.get('cart')).toEqual([1, 2, 3]);
      loaded.session.set('after', true);
      await loaded.finish();
      expect((await load(manager, cookie)).session.get('after')).toBe(true);
      expect(log.at(-1)).toEqual({ level: 'warn', message: expect.stringContaining('is answering again') });
    });

    it('closes without hanging while the server is frozen', async () => {
      const other = await createStoreFromConfig(
        resolveSessionConfig({
          envFile: false,
          env: {
            TINA4_SESSION_BACKEND: 'mongodb',
            TINA4_SESSION_URL: server.url,
            TINA4_SESSION_STORE_TIMEOUT: String(STORE_TIMEOUT_MS),
          },
        }),
      );
      await other.read('0'.repeat(64));
      server.pause();
      try {
        const closing = await timed(other.close());
        expect(closing.outcome.status).toBe('fulfilled');
        expect(closing.ms).toBeLessThan(FAIL_FAST_MS);
      } finally {
        server.resume();
      }
    });
  });
}
