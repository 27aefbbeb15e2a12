import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { resolveSessionConfig, sessionKeyOf, USER_FIELD, userKeyOf } from '@tina4/session-core';
import { storeComplianceSuite } from '@tina4/session-core/testing';
import {
  deleteKeysUnder,
  provideTestBackend,
  redisBackdoor,
  sessionHashKey,
  uniquePrefix,
} from '@tina4/test-servers';
import { Redis } from 'ioredis';
import { createRedisStore, createStoreFromConfig } from '../src/index.js';

const backend = await provideTestBackend('redis');

if ('skip' in backend) {
  describe.skip('redis store (standalone)', () => {
    it('needs a Redis server', () => {});
  });
} else {
  const prefix = uniquePrefix('standalone');
  const raw = new Redis(backend.url);
  const target = { keys: raw, servers: () => [raw] };

  afterAll(async () => {
    await deleteKeysUnder(prefix, target);
    raw.disconnect();
    await backend.stop();
  });

  // Through the same path as an app: the configuration, then the store package's loader.
  const storeFromEnv = () =>
    createStoreFromConfig(
      resolveSessionConfig({
        envFile: false,
        env: { TINA4_SESSION_BACKEND: 'redis', TINA4_SESSION_URL: backend.url, TINA4_SESSION_PREFIX: prefix },
      }),
    );

  storeComplianceSuite(
    { describe, it, beforeAll, afterAll },
    {
      name: 'redis (standalone)',
      createStore: storeFromEnv,
      backdoor: redisBackdoor(prefix, target),
      lock: true,
      userSessions: true,
    },
  );

  describe('redis store data model', () => {
    it('keeps a session as one hash under <prefix>{<key>} with a marker field and a PEXPIRE', async () => {
      const store = await storeFromEnv();
      const key = sessionKeyOf('data-model');
      await store.create(key, { cart: '[1,2]' }, { ttlSeconds: 60 });
      const hash = sessionHashKey(prefix, key);
      expect(await raw.type(hash)).toBe('hash');
      expect(Object.keys(await raw.hgetall(hash)).sort()).toEqual(['', 'cart']);
      expect(await raw.pttl(hash)).toBeGreaterThan(55_000);
      await store.update(key, { replace: false, set: {}, delete: ['cart'] }, { ttlSeconds: 60 });
      expect(await raw.hkeys(hash)).toEqual(['']);
      expect(await store.read(key)).toMatchObject({ fields: {} });
      await store.close();
    });

    it('slides the expiry inside the read round trip once the refresh interval has passed', async () => {
      const store = await storeFromEnv();
      const key = sessionKeyOf('sliding-read');
      const hash = sessionHashKey(prefix, key);
      await store.create(key, { a: '1' }, { ttlSeconds: 60 });
      const fresh = await store.read(key, { slide: { ttlSeconds: 60, afterMs: 5000 } });
      expect(fresh).toMatchObject({ fields: { a: '1' }, slid: false });
      await raw.pexpire(hash, 50_000);
      const slid = await store.read(key, { slide: { ttlSeconds: 60, afterMs: 5000 } });
      expect(slid).toMatchObject({ fields: { a: '1' }, slid: true });
      expect(await raw.pttl(hash)).toBeGreaterThan(59_000);
      await store.close();
    });

    it('takes a lock as a string key in the session hash slot that expires with its lease', async () => {
      const store = await storeFromEnv();
      const key = sessionKeyOf('lock-model');
      const release = await store.lock!(key, { waitMs: 100, leaseMs: 5000 });
      const lockKey = `${sessionHashKey(prefix, key)}:lock`;
      expect(await raw.type(lockKey)).toBe('string');
      expect(await raw.pttl(lockKey)).toBeGreaterThan(4000);
      await release();
      expect(await raw.exists(lockKey)).toBe(0);
      await store.close();
    });

    it('leaves a client passed in code open on close()', async () => {
      const client = new Redis(backend.url);
      const store = createRedisStore({ client, prefix });
      await store.create(sessionKeyOf('own-client'), { a: '1' }, { ttlSeconds: 60 });
      await store.close();
      expect(await client.ping()).toBe('PONG');
      client.disconnect();
    });

    it('reads a session whose expiry was removed (PERSIST) as live, and a touch restores an expiry', async () => {
      const store = await storeFromEnv();
      const key = sessionKeyOf('persisted');
      await store.create(key, { a: '1' }, { ttlSeconds: 60 });
      await raw.persist(sessionHashKey(prefix, key));
      const record = await store.read(key);
      expect(record?.fields).toEqual({ a: '1' });
      expect(record!.expiresAt).toBeGreaterThan(Date.now());
      await store.touch(key, { ttlSeconds: 60 });
      expect(await raw.pttl(sessionHashKey(prefix, key))).toBeGreaterThan(55_000);
      await store.close();
    });

    it('sends a script to a server that lost its script cache', async () => {
      const store = await storeFromEnv();
      const key = sessionKeyOf('script-flush');
      await store.create(key, { a: '1' }, { ttlSeconds: 60 });
      await raw.script('FLUSH');
      await store.update(key, { replace: false, set: { b: '2' }, delete: [] }, { ttlSeconds: 60 });
      expect((await store.read(key))?.fields).toEqual({ a: '1', b: '2' });
      await store.close();
    });

    it("keeps a user's sessions in a hash <prefix>user:{<user key>}, emptied by destroy and regenerate", async () => {
      const store = createRedisStore({ client: raw, prefix });
      const user = userKeyOf('data-model-user');
      const index = `${prefix}user:{${user}}`;
      const [key, moved, other] = [sessionKeyOf('bound-1'), sessionKeyOf('bound-2'), sessionKeyOf('bound-3')];
      const bound = { [USER_FIELD]: JSON.stringify('data-model-user'), cart: '[1]' };
      await store.create(key, bound, { ttlSeconds: 60 });
      await store.create(other, bound, { ttlSeconds: 60 });
      expect(await raw.type(index)).toBe('hash');
      expect(Object.keys(await raw.hgetall(index)).sort()).toEqual([key, other].sort());
      expect(await raw.pttl(index)).toBe(-1);
      await store.move(key, moved, (fields) => fields, { ttlSeconds: 60 });
      expect(Object.keys(await raw.hgetall(index)).sort()).toEqual([moved, other].sort());
      await store.destroy(moved);
      await store.destroy(other);
      expect(await raw.exists(index)).toBe(0);
    });

    it('prunes the entry of an expired session when listing, once it is older than the grace period', async () => {
      const store = createRedisStore({ client: raw, prefix });
      const user = userKeyOf('pruned-user');
      const index = `${prefix}user:{${user}}`;
      const [expired, fresh, live] = [sessionKeyOf('gone-1'), sessionKeyOf('gone-2'), sessionKeyOf('live')];
      const bound = { [USER_FIELD]: JSON.stringify('pruned-user') };
      for (const key of [expired, fresh, live]) await store.create(key, bound, { ttlSeconds: 60 });
      await raw.del(sessionHashKey(prefix, expired), sessionHashKey(prefix, fresh)); // as if they had expired
      await raw.hset(index, expired, '1'); // written long ago
      expect((await store.listUserSessions(user)).map((record) => record.key)).toEqual([live]);
      // The entry written just now may belong to a binding on its way: it stays for a later listing.
      expect(Object.keys(await raw.hgetall(index)).sort()).toEqual([fresh, live].sort());
    });
  });
}
