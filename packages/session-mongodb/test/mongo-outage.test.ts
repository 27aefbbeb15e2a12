import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RequestSession, resolveSessionConfig, SessionManager, type SessionStore } from '@tina4/session-core';
import {
  freePort,
  type MongoServerProcess,
  mongoServerBinary,
  skipOrFail,
  startMongoServer,
  startMongoServerOnFreePort,
} from '@tina4/test-servers';
import { createStoreFromConfig } from '../src/index.js';

/**
 * A server that goes away (killed with SIGKILL) and comes back on the same port: requests get
 * quick 503s meanwhile, and the same store instance works again afterwards, without a restart of
 * the app. A private server started by this test (a real `mongod` when one is on the PATH, else the
 * jongodb stand-in); it keeps nothing across the restart, like a replaced server.
 */
const STORE_TIMEOUT_MS = 2000;
const FAIL_FAST_MS = STORE_TIMEOUT_MS + 1000;
const UNAVAILABLE = { code: 'E_SESSION_STORE_UNAVAILABLE' };

async function timed<T>(work: Promise<T>): Promise<{ ms: number; outcome: PromiseSettledResult<T> }> {
  const started = Date.now();
  const [outcome] = await Promise.allSettled([work]);
  return { ms: Date.now() - started, outcome: outcome! };
}

const load = async (manager: SessionManager, cookie?: string): Promise<RequestSession> =>
  RequestSession.begin(manager, cookie, false);

const commit = async (request: RequestSession): Promise<string> => {
  const header = await request.finish();
  if (!header) throw new Error('expected a Set-Cookie header');
  return header.split(';')[0]!;
};

/** Retries `work` until it resolves (the client reconnects in the background), for at most 10 s. */
async function eventually<T>(work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

const storeOn = (port: number) =>
  createStoreFromConfig(
    resolveSessionConfig({
      envFile: false,
      env: {
        TINA4_SESSION_BACKEND: 'mongodb',
        TINA4_SESSION_URL: `mongodb://127.0.0.1:${port}/?directConnection=true`,
        TINA4_SESSION_STORE_TIMEOUT: String(STORE_TIMEOUT_MS),
      },
    }),
  );

const binary = mongoServerBinary();

if ('missing' in binary) {
  skipOrFail('mongodb', binary.missing);
  describe.skip('mongodb store through an outage', () => {
    it('needs a server binary', () => {});
  });
} else {
  describe(`mongodb store through an outage (${binary.kind} killed and restarted)`, () => {
    const log: { level: 'warn' | 'error'; message: string }[] = [];
    const logger = {
      warn: (message: string) => log.push({ level: 'warn', message }),
      error: (message: string) => log.push({ level: 'error', message }),
    };
    let port: number;
    let server: MongoServerProcess;
    let store: SessionStore;
    let manager: SessionManager;
    let cookie: string;

    beforeAll(async () => {
      server = await startMongoServerOnFreePort(binary);
      port = server.port;
      store = await storeOn(port);
      manager = new SessionManager(resolveSessionConfig({ envFile: false, env: {}, store, logger }), store);
    });

    afterAll(async () => {
      await store?.close();
      await server?.stop();
    });

    it('serves sessions while the server is up', async () => {
      const request = await load(manager);
      request.session.set('cart', [1, 2, 3]);
      cookie = await commit(request);
      expect((await load(manager, cookie)).session.get('cart')).toEqual([1, 2, 3]);
    });

    it('rejects quickly with SessionStoreUnavailableError while the server is down', async () => {
      await server.stop({ crash: true });

      for (let attempt = 0; attempt < 3; attempt++) {
        const { ms, outcome } = await timed(load(manager, cookie));
        expect(outcome.status).toBe('rejected');
        expect((outcome as PromiseRejectedResult).reason).toMatchObject(UNAVAILABLE);
        expect(ms).toBeLessThan(FAIL_FAST_MS);
      }

      // A write of a new session, and a burst of parallel requests: all fail, none hangs.
      const fresh = await load(manager);
      fresh.session.set('x', 1);
      const write = await timed(fresh.save());
      expect((write.outcome as PromiseRejectedResult).reason).toMatchObject(UNAVAILABLE);
      expect(write.ms).toBeLessThan(FAIL_FAST_MS);

      const burst = await timed(Promise.allSettled(Array.from({ length: 20 }, () => load(manager, cookie))));
      const results = (burst.outcome as PromiseFulfilledResult<PromiseSettledResult<RequestSession>[]>).value;
      expect(results.every((result) => result.status === 'rejected')).toBe(true);
      expect(burst.ms).toBeLessThan(FAIL_FAST_MS);

      // One line for the whole outage, not one per failed request.
      expect(log.filter((entry) => entry.level === 'error')).toHaveLength(1);
      expect(log[0]?.message).toMatch(
        /Session store "mongodb" \(127\.0\.0\.1:\d+, [\w.]+\) failed to read a session/,
      );
    }, 60_000);

    it('works again with the same store instance once the server is back', async () => {
      server = await startMongoServer(binary, port);

      const loaded = await eventually(() => load(manager, cookie));
      // The restarted server keeps no data: the old id is not adopted.
      expect(loaded.session.has('cart')).toBe(false);

      const request = await load(manager);
      request.session.set('cart', ['back']);
      expect((await load(manager, await commit(request))).session.get('cart')).toEqual(['back']);
      expect(log.at(-1)).toEqual({ level: 'warn', message: expect.stringContaining('is answering again') });
    });
  });

  describe('mongodb store started while the server is down', () => {
    it('rejects quickly, closes without hanging, and connects once the server is up', async () => {
      const port = await freePort();
      const store = await storeOn(port);
      const { ms, outcome } = await timed(store.read('0'.repeat(64)));
      expect(outcome.status).toBe('rejected');
      expect(ms).toBeLessThan(FAIL_FAST_MS);

      const server = await startMongoServer(binary, port);
      try {
        await eventually(() => store.read('0'.repeat(64)));
        await server.stop({ crash: true });
        const closing = await timed(store.close());
        expect(closing.outcome.status).toBe('fulfilled');
        expect(closing.ms).toBeLessThan(FAIL_FAST_MS);
      } finally {
        await server.stop();
      }
    }, 60_000);
  });
}
