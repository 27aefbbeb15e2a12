import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RequestSession, resolveSessionConfig, SessionManager, type SessionStore } from '@tina4/session-core';
import { sessions } from '@tina4/session-core/express';
import {
  freePort,
  haveBinaries,
  REDIS_BINARIES,
  type ServerProcess,
  skipOrFail,
  startServer,
} from '@tina4/test-servers';
import { createStoreFromConfig } from '../src/index.js';

/** An outage costs a request at most this long (the store's 2 s deadline plus slack). */
const FAIL_FAST_MS = 3000;

const UNAVAILABLE = { code: 'E_SESSION_STORE_UNAVAILABLE' };

/** A request of the session whose `Cookie` header this is (none for a new visitor). */
const load = async (manager: SessionManager, cookie?: string): Promise<RequestSession> =>
  RequestSession.begin(manager, cookie, false);

/** Commits a request and gives back the `Cookie` header a browser would send next. */
const commit = async (request: RequestSession): Promise<string> => {
  const header = await request.finish();
  if (!header) throw new Error('expected a Set-Cookie header');
  return header.split(';')[0]!;
};

async function timed<T>(work: Promise<T>): Promise<{ ms: number; outcome: PromiseSettledResult<T> }> {
  const started = Date.now();
  const [outcome] = await Promise.allSettled([work]);
  return { ms: Date.now() - started, outcome: outcome! };
}

if (!haveBinaries(REDIS_BINARIES)) {
  skipOrFail('redis', 'redis-server and redis-cli are not on the PATH (apt-get install redis-server)');
  describe.skip('redis store through an outage', () => {
    it('needs redis-server', () => {});
  });
} else {
  describe('redis store through an outage', () => {
    const log: { level: 'warn' | 'error'; message: string }[] = [];
    const logger = {
      warn: (message: string) => log.push({ level: 'warn', message }),
      error: (message: string) => log.push({ level: 'error', message }),
    };
    let port: number;
    let server: ServerProcess;
    let store: SessionStore;
    let manager: SessionManager;
    let cookie: string;

    beforeAll(async () => {
      port = await freePort();
      server = await startServer(REDIS_BINARIES, port);
      store = await createStoreFromConfig(
        resolveSessionConfig({
          envFile: false,
          env: {
            TINA4_SESSION_BACKEND: 'redis',
            TINA4_SESSION_HOST: '127.0.0.1',
            TINA4_SESSION_PORT: String(port),
          },
        }),
      );
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
        new RegExp(
          `Session store "redis" \\(127\\.0\\.0\\.1:${port}\\) failed to read a session: the server cannot be reached`,
        ),
      );
    });

    it('works again with the same store instance once the server is back', async () => {
      server = await startServer(REDIS_BINARIES, port);

      // The client reconnects in the background (at most a second apart): no restart, no new store.
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
      // The restarted server keeps no data (no persistence here): the old id is not adopted.
      expect(loaded.session.has('cart')).toBe(false);

      const request = await load(manager);
      request.session.set('cart', ['back']);
      expect((await load(manager, await commit(request))).session.get('cart')).toEqual(['back']);
      expect(log.at(-1)).toEqual({ level: 'warn', message: expect.stringContaining('is answering again') });
    });
  });

  describe('redis store started while the server is down', () => {
    it('rejects quickly, closes without hanging, and connects once the server is up', async () => {
      const port = await freePort();
      const store = await createStoreFromConfig(
        resolveSessionConfig({
          envFile: false,
          env: { TINA4_SESSION_BACKEND: 'redis', TINA4_SESSION_PORT: String(port) },
        }),
      );
      const { ms, outcome } = await timed(store.read('0'.repeat(64)));
      expect(outcome.status).toBe('rejected');
      expect(ms).toBeLessThan(FAIL_FAST_MS);

      const server = await startServer(REDIS_BINARIES, port);
      try {
        const deadline = Date.now() + 10_000;
        for (;;) {
          const attempt = await timed(store.read('0'.repeat(64)));
          if (attempt.outcome.status === 'fulfilled') break;
          if (Date.now() > deadline) throw (attempt.outcome as PromiseRejectedResult).reason;
        }
        await server.stop({ crash: true });
        const closing = await timed(store.close());
        expect(closing.outcome.status).toBe('fulfilled');
        expect(closing.ms).toBeLessThan(FAIL_FAST_MS);
      } finally {
        await server.stop();
      }
    });
  });
}

describe('a Redis that cannot be reached at start-up', () => {
  it('is reported once at start-up, with where it is and why; the app starts unless told to refuse', async () => {
    const port = await freePort();
    const lines: string[] = [];
    const logger = { warn: (line: string) => lines.push(line), error: (line: string) => lines.push(line) };
    const options = {
      envFile: false as const,
      env: { TINA4_SESSION_BACKEND: 'redis', TINA4_SESSION_PORT: String(port) },
      storeTimeout: 500,
      logger,
    };
    const startedAt = Date.now();
    const middleware = sessions(options);
    await middleware.ready;
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(0);
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(`Session store "redis" \\(127\\.0\\.0\\.1:${port}\\) failed to answer at start-up`),
      ),
    ]);
    await middleware.close();

    const strict = sessions({ ...options, requireStore: true });
    await expect(strict.ready).rejects.toMatchObject({ code: 'E_SESSION_STORE_UNAVAILABLE' });
    await strict.close();
  });
});
