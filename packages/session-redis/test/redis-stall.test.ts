import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  RequestSession,
  resolveSessionConfig,
  SessionManager,
  type SessionStore,
  sessionKeyOf,
} from '@tina4/session-core';
import {
  freePort,
  haveBinaries,
  REDIS_BINARIES,
  type ServerProcess,
  skipOrFail,
  startServer,
} from '@tina4/test-servers';
import { Redis } from 'ioredis';
import { createStoreFromConfig } from '../src/index.js';

/**
 * Redis stalls (`DEBUG SLEEP`, as a server busy with a slow command or paused by its host would):
 * the store answers 503 after its deadline, and what the stalled server executes once it wakes up
 * changes nothing, so that an outage of N seconds costs about N seconds.
 */
const STALL_SECONDS = 3;

if (!haveBinaries(REDIS_BINARIES)) {
  skipOrFail('redis', 'redis-server and redis-cli are not on the PATH (apt-get install redis-server)');
  describe.skip('redis store through a stall', () => {
    it('needs redis-server', () => {});
  });
} else {
  describe('redis store through a stall', () => {
    let server: ServerProcess;
    let store: SessionStore;
    let manager: SessionManager;
    let sleeper: Redis;
    const warnings: string[] = [];

    beforeAll(async () => {
      const port = await freePort();
      server = await startServer(REDIS_BINARIES, port, ['--enable-debug-command', 'local']);
      const env = { TINA4_SESSION_BACKEND: 'redis', TINA4_SESSION_PORT: String(port) };
      store = await createStoreFromConfig(resolveSessionConfig({ envFile: false, env }));
      const logger = {
        warn: (line: string) => warnings.push(line),
        error: (line: string) => warnings.push(line),
      };
      manager = new SessionManager(
        resolveSessionConfig({ envFile: false, env: {}, store, lock: true, logger }),
        store,
      );
      sleeper = new Redis({ port, lazyConnect: true });
      await sleeper.connect();
    });
    afterAll(async () => {
      sleeper?.disconnect();
      await store?.close();
      await server?.stop();
    });

    const stall = (): Promise<unknown> => sleeper.call('DEBUG', 'SLEEP', String(STALL_SECONDS));

    it('a write that times out is not applied when Redis wakes up', async () => {
      const key = sessionKeyOf('late-write');
      await store.create(key, { cart: '[1]' }, { ttlSeconds: 60 });
      const stalled = stall();
      await expect(
        store.update(key, { replace: false, set: { cart: '[1,2]' }, delete: [] }, { ttlSeconds: 60 }),
      ).rejects.toThrow(/timed out|did not answer/);
      await stalled;
      expect((await store.read(key))?.fields).toEqual({ cart: '[1]' });
    });

    it('a lock attempt lost in a stall leaves no lock behind: the session works as soon as Redis does', async () => {
      const first = await RequestSession.begin(manager, undefined, false);
      first.session.set('user', 'alice');
      const cookie = (await first.finish())!.split(';')[0]!;
      await first.release();

      const stalled = stall();
      const stalledAt = Date.now();
      await expect(RequestSession.begin(manager, cookie, false)).rejects.toMatchObject({
        code: 'E_SESSION_STORE_UNAVAILABLE',
      });
      await stalled;
      const wokeAt = Date.now();
      // Requests of the session keep coming; the first that succeeds after Redis woke ends the outage.
      let served: RequestSession | undefined;
      while (!served && Date.now() - wokeAt < 20_000) {
        try {
          served = await RequestSession.begin(manager, cookie, false);
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
      const outageMs = Date.now() - stalledAt;
      console.info(`[figures] redis stall of ${STALL_SECONDS} s with the lock on: 503s for ${outageMs} ms`);
      expect(served?.session.get('user')).toBe('alice');
      expect(outageMs).toBeLessThan(STALL_SECONDS * 1000 + 1500);
      await served?.release();
    });
  });
}
