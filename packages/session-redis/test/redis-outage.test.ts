import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  resolveSessionConfig,
  type Session,
  SessionManager,
  type SessionStore,
  SessionStoreUnavailableError,
} from '@tina4/session-core';
import { createStoreFromConfig } from '../src/index.js';
import {
  freePort,
  haveBinaries,
  REDIS_BINARIES,
  type ServerProcess,
  startServer,
} from './support/redis-processes.js';
import { skipOrFail } from './support/required.js';

/** An outage costs a request at most this long (the store's 2 s deadline plus slack). */
const FAIL_FAST_MS = 3000;

const cookieOf = (manager: SessionManager, session: Session): string => {
  const header = manager.setCookieHeader(session);
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
      const session = await manager.load(undefined);
      session.set('cart', [1, 2, 3]);
      await manager.commit(session);
      cookie = cookieOf(manager, session);
      expect((await manager.load(cookie)).get('cart')).toEqual([1, 2, 3]);
    });

    it('rejects quickly with SessionStoreUnavailableError while the server is down', async () => {
      await server.stop({ crash: true });

      for (let attempt = 0; attempt < 3; attempt++) {
        const { ms, outcome } = await timed(manager.load(cookie));
        expect(outcome.status).toBe('rejected');
        expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(SessionStoreUnavailableError);
        expect(ms).toBeLessThan(FAIL_FAST_MS);
      }

      // A write of a new session, and a burst of parallel requests: all fail, none hangs.
      const fresh = await manager.load(undefined);
      fresh.set('x', 1);
      const write = await timed(manager.commit(fresh));
      expect((write.outcome as PromiseRejectedResult).reason).toBeInstanceOf(SessionStoreUnavailableError);
      expect(write.ms).toBeLessThan(FAIL_FAST_MS);

      const burst = await timed(Promise.allSettled(Array.from({ length: 20 }, () => manager.load(cookie))));
      const results = (burst.outcome as PromiseFulfilledResult<PromiseSettledResult<Session>[]>).value;
      expect(results.every((result) => result.status === 'rejected')).toBe(true);
      expect(burst.ms).toBeLessThan(FAIL_FAST_MS);

      // One line for the whole outage, not one per failed request.
      expect(log.filter((entry) => entry.level === 'error')).toHaveLength(1);
      expect(log[0]?.message).toContain('Session store "redis" failed to read a session');
    });

    it('works again with the same store instance once the server is back', async () => {
      server = await startServer(REDIS_BINARIES, port);

      // The client reconnects in the background (at most a second apart): no restart, no new store.
      const deadline = Date.now() + 10_000;
      let loaded: Session | undefined;
      while (!loaded) {
        try {
          loaded = await manager.load(cookie);
        } catch (error) {
          if (Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      // The restarted server keeps no data (no persistence here): the old id is not adopted.
      expect(loaded.has('cart' as never)).toBe(false);

      const session = await manager.load(undefined);
      session.set('cart', ['back']);
      await manager.commit(session);
      expect((await manager.load(cookieOf(manager, session))).get('cart')).toEqual(['back']);
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
