import { afterAll, describe, expect, it } from '@jest/globals';
import { resolveSessionConfig, sessionKeyOf } from '@tina4/session-core';
import { provideTestBackend, storeComplianceSuite } from '@tina4/store-test-suite';
import { Redis as Valkey } from 'iovalkey';
// The Redis package's test helpers: a raw-client back door and key clean-up.
import {
  deleteKeysUnder,
  redisBackdoor,
  sessionHashKey,
  uniquePrefix,
} from '../../session-redis/test/support/redis-backdoor.js';
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

  storeComplianceSuite({
    name: 'valkey',
    createStore: storeFromEnv,
    backdoor: redisBackdoor(prefix, target),
    lock: true,
  });

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
      await store.write(key, { replace: true, set: { a: '"x"' }, delete: [] }, 60);
      expect(await raw.hget(sessionHashKey(prefix, key), 'a')).toBe('"x"');
      await store.close();
      expect(await client.ping()).toBe('PONG');
      client.disconnect();
    });
  });
}
