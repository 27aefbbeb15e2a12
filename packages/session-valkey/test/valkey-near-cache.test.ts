import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { resolveSessionConfig, sessionKeyOf } from '@tina4/session-core';
import { storeComplianceSuite } from '@tina4/session-core/testing';
import type { NearCacheEvent } from '@tina4/session-redis';
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

const ttl = { ttlSeconds: 60 };

if ('skip' in backend) {
  describe.skip('valkey store with a near cache', () => {
    it('needs a Valkey server', () => {});
  });
} else {
  const prefix = uniquePrefix('valkey-near-cache');
  const raw = new Valkey(backend.url);
  const target = { keys: raw, servers: () => [raw] };

  afterAll(async () => {
    await deleteKeysUnder(prefix, target);
    raw.disconnect();
    await backend.stop();
  });

  storeComplianceSuite(
    { describe, it, beforeAll, afterAll },
    {
      name: 'valkey (near cache)',
      async createStore() {
        const store = await createStoreFromConfig(
          resolveSessionConfig({
            envFile: false,
            env: {
              TINA4_SESSION_BACKEND: 'valkey',
              TINA4_SESSION_URL: backend.url,
              TINA4_SESSION_PREFIX: prefix,
              TINA4_SESSION_NEAR_CACHE: 'true',
            },
          }),
        );
        await store.ping!(); // tracking on: the suite runs against the cache, not around it
        return store;
      },
      backdoor: redisBackdoor(prefix, target),
      lock: true,
      userSessions: true,
    },
  );

  describe('valkey store with a near cache', () => {
    it('reads again with no round trip, writes with one, and hears of writes by other clients', async () => {
      const client = new Valkey(backend.url);
      const call = client.call.bind(client);
      let commands = 0;
      client.call = ((command: string, args: (string | number)[]) => {
        if (command !== 'EVAL') commands++; // a script's source sent again after NOSCRIPT is not the store's doing
        return call(command, args);
      }) as typeof client.call;
      const invalidations: NearCacheEvent[] = [];
      let invalidated: () => void = () => {};
      const store = createValkeyStore({
        client,
        prefix,
        closeClient: true,
        nearCache: {
          onEvent(event) {
            if (event.type !== 'invalidated') return;
            invalidations.push(event);
            invalidated();
          },
        },
      });
      await store.ping!();
      const counted = async (step: () => Promise<unknown>): Promise<number> => {
        const before = commands;
        await step();
        return commands - before;
      };

      const key = sessionKeyOf('valkey-near-cache');
      expect(await counted(() => store.create(key, { n: '0' }, ttl))).toBe(1);
      expect(await counted(() => store.read(key))).toBe(0);
      expect(
        await counted(() => store.update(key, { replace: false, set: { n: '1' }, delete: [] }, ttl)),
      ).toBe(1);
      expect(await counted(async () => expect((await store.read(key))?.fields).toEqual({ n: '1' }))).toBe(0);

      const arrived = new Promise<void>((resolve) => {
        invalidated = resolve;
      });
      await raw.hset(sessionHashKey(prefix, key), 'n', '2');
      await arrived;
      expect(invalidations).toEqual([{ type: 'invalidated', keys: [key] }]);
      expect(await counted(async () => expect((await store.read(key))?.fields).toEqual({ n: '2' }))).toBe(1);
      expect(await counted(() => store.read(key))).toBe(0);
      await store.close();
    });
  });
}
