import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  resolveSessionConfig,
  sessionKeyOf,
  supportsUserSessions,
  USER_FIELD,
  userKeyOf,
} from '@tina4/session-core';
import { storeComplianceSuite } from '@tina4/session-core/testing';
import {
  haveBinaries,
  REDIS_BINARIES,
  redisBackdoor,
  sessionHashKey,
  skipOrFail,
  startCluster,
  uniquePrefix,
} from '@tina4/test-servers';
import { Cluster } from 'ioredis';
import { createStoreFromConfig } from '../src/index.js';

if (!haveBinaries(REDIS_BINARIES)) {
  skipOrFail('redis', 'redis-server and redis-cli are not on the PATH (apt-get install redis-server)');
  describe.skip('redis store on a Redis Cluster', () => {
    it('needs redis-server', () => {});
  });
} else {
  // Three masters on loopback, private to this file; stopped (by pid) when it is done.
  const cluster = await startCluster(REDIS_BINARIES, 3);
  const raw = new Cluster(cluster.nodes);
  const prefix = uniquePrefix('cluster');
  const seeds = cluster.nodes.map(({ host, port }) => `${host}:${port}`).join(',');

  afterAll(async () => {
    raw.disconnect();
    await cluster.stop();
  });

  storeComplianceSuite(
    { describe, it, beforeAll, afterAll },
    {
      name: 'redis (cluster of 3 masters)',
      createStore: () =>
        createStoreFromConfig(
          resolveSessionConfig({
            envFile: false,
            env: {
              TINA4_SESSION_BACKEND: 'redis',
              TINA4_SESSION_CLUSTER: seeds,
              TINA4_SESSION_PREFIX: prefix,
            },
          }),
        ),
      backdoor: redisBackdoor(prefix, { keys: raw, servers: () => raw.nodes('master') }),
      lock: true,
      userSessions: true,
    },
  );

  describe('redis store on a Redis Cluster', () => {
    it('spreads sessions over the masters, each with its lock key in the same slot', async () => {
      const keys = Array.from({ length: 30 }, (_, i) => sessionKeyOf(`spread-${i}`));
      const slots = await Promise.all(keys.map((key) => raw.cluster('KEYSLOT', sessionHashKey(prefix, key))));
      const lockSlots = await Promise.all(
        keys.map((key) => raw.cluster('KEYSLOT', `${sessionHashKey(prefix, key)}:lock`)),
      );
      expect(lockSlots).toEqual(slots);
      // 16384 slots in three ranges: 30 random keys land on more than one master.
      const masters = new Set((slots as number[]).map((slot) => Math.floor(slot / (16384 / 3))));
      expect(masters.size).toBeGreaterThan(1);
    });

    it("keeps a user's index in the slot of its user key, apart from the sessions it lists", async () => {
      const user = userKeyOf('cluster-user');
      const index = `${prefix}user:{${user}}`;
      expect(await raw.cluster('KEYSLOT', index)).toBe(await raw.cluster('KEYSLOT', `{${user}}`));
      const store = await createStoreFromConfig(
        resolveSessionConfig({
          envFile: false,
          env: { TINA4_SESSION_BACKEND: 'redis', TINA4_SESSION_CLUSTER: seeds, TINA4_SESSION_PREFIX: prefix },
        }),
      );
      const keys = Array.from({ length: 12 }, (_, i) => sessionKeyOf(`cluster-user-${i}`));
      const bound = { [USER_FIELD]: JSON.stringify('cluster-user') };
      for (const key of keys) await store.create(key, bound, { ttlSeconds: 60 });
      expect(Object.keys(await raw.hgetall(index)).sort()).toEqual([...keys].sort());
      if (!supportsUserSessions(store)) throw new Error('the Redis store lists users’ sessions');
      expect((await store.listUserSessions(user)).map((record) => record.key).sort()).toEqual(
        [...keys].sort(),
      );
      await store.close();
    });
  });
}
