import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createStore,
  resolveSessionConfig,
  type SessionStore,
  supportsUserSessions,
} from '@tina4/session-core';
import { uniquePrefix } from '@tina4/test-servers';
import { onTestBackend } from './support/on-test-backend.js';
import { type CliApp, createCliApp } from './support/session-cli.js';
import { type StartedSessions, startSessions } from './support/start-sessions.js';

/** The command on a Redis-protocol server, under a key prefix of its own so that other keys never count. */
function describeRedisCli(backend: 'redis' | 'valkey', url: string): void {
  describe(`tina4-session on ${backend}`, () => {
    const app: CliApp = createCliApp();
    const env = {
      TINA4_SESSION_BACKEND: backend,
      TINA4_SESSION_URL: url,
      TINA4_SESSION_PREFIX: uniquePrefix('cli'),
    };
    let store: SessionStore;
    let live: StartedSessions;

    beforeAll(async () => {
      // The store the app would have, from the same settings (the package is found by name).
      store = await createStore(resolveSessionConfig({ env, envFile: false }));
      live = await startSessions(store, 3);
    });
    afterAll(async () => {
      for (const key of live.keys) await store.destroy(key);
      await store.close();
      app.remove();
    });

    it("counts the prefix's sessions with SCAN, not their lock keys, and says expired ones are not kept", async () => {
      const release = await store.lock!(live.keys[0]!, { waitMs: 1000, leaseMs: 30_000 });
      try {
        const json = await app.run(['stats', '--json'], env);
        expect(json.code).toBe(0);
        expect(JSON.parse(json.stdout)).toMatchObject({ store: backend, live: 3, expired: null });

        const { stdout } = await app.run(['stats'], env);
        expect(stdout).toMatch(/^Live: {5}3$/m);
        expect(stdout).toContain(
          `Expired:  none kept (the ${backend} store deletes sessions itself when they expire)`,
        );
      } finally {
        await release();
      }
    });

    it('says honestly that there is nothing to purge', async () => {
      const { code, stdout } = await app.run(['purge'], env);
      expect(code).toBe(0);
      expect(stdout).toBe(
        `${backend} deletes each session itself when it expires (key expiry): there is nothing to purge.\n`,
      );
      for (const key of live.keys) expect(await store.read(key)).toBeDefined();
    });

    it("ends one user's sessions, or says clearly that this store cannot", async () => {
      const alice = await startSessions(store, 2, 'alice');
      const { code, stdout, stderr } = await app.run(['revoke', '--user', 'alice'], env);
      if (!supportsUserSessions(store)) {
        expect(code).toBe(1);
        expect(stderr).toContain("cannot list or end a user's sessions");
        for (const key of alice.keys) await store.destroy(key);
        return;
      }
      expect(code).toBe(0);
      expect(stdout).toBe('Ended 2 sessions of user alice.\n');
      for (const key of alice.keys) expect(await store.read(key)).toBeUndefined();
      for (const key of live.keys) expect(await store.read(key)).toBeDefined();
    });
  });
}

await onTestBackend('redis', 'Redis', (url) => describeRedisCli('redis', url));
await onTestBackend('valkey', 'Valkey', (url) => describeRedisCli('valkey', url));
