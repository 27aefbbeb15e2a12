import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { resolveSessionConfig, sessionKeyOf } from '@tina4/session-core';
import { storeComplianceSuite } from '@tina4/session-core/testing';
import {
  deleteKeysUnder,
  provideTestBackend,
  redisBackdoor,
  sessionHashKey,
  uniquePrefix,
} from '@tina4/test-servers';
import { Redis as Valkey } from 'iovalkey';
import { createStoreFromConfig, createValkeyStore } from '../src/index.js';

const backend = await provideTestBackend('valkey');

if ('skip' in backend) {
  describe.skip('valkey store', () => {
    it('needs a Valkey server', () => {});
  });
} else {
  const prefix = uniquePrefix('valkey');
  const raw = new Valkey(backend.url);
  const target = { keys: raw, servers: () => [raw] };

  afterAll(async () => {
    await deleteKeysUnder(prefix, target);
    raw.disconnect();
    await backend.stop();
  });

  const storeFromEnv = () =>
    createStoreFromConfig(
      resolveSessionConfig({
        envFile: false,
        env: {
          TINA4_SESSION_BACKEND: 'valkey',
          TINA4_SESSION_URL: backend.url,
          TINA4_SESSION_PREFIX: prefix,
        },
      }),
    );

  storeComplianceSuite(
    { describe, it, beforeAll, afterAll },
    {
      name: 'valkey',
      createStore: storeFromEnv,
      backdoor: redisBackdoor(prefix, target),
      lock: true,
      userSessions: true,
    },
  );

  describe('valkey store', () => {
    it('runs against a Valkey server, under the name "valkey"', async () => {
      expect(await raw.info('server')).toMatch(/valkey_version:|redis_version:/);
      const store = await storeFromEnv();
      expect(store.name).toBe('valkey');
      await store.close();
    });

    it('works on an iovalkey client passed in code, and leaves it open on close()', async () => {
      const client = new Valkey(backend.url);
      const store = createValkeyStore({ client, prefix });
      const key = sessionKeyOf('own-client');
      await store.create(key, { a: '"x"' }, { ttlSeconds: 60 });
      expect(await raw.hget(sessionHashKey(prefix, key), 'a')).toBe('"x"');
      await store.close();
      expect(await client.ping()).toBe('PONG');
      client.disconnect();
    });
  });
}
