import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  RequestSession,
  resolveSessionConfig,
  SessionManager,
  type SessionStore,
  sessionKeyOf,
} from '@tina4/session-core';
import { storeComplianceSuite } from '@tina4/session-core/testing';
import {
  deleteKeysUnder,
  freePort,
  haveBinaries,
  provideTestBackend,
  REDIS_BINARIES,
  redisBackdoor,
  sessionHashKey,
  skipOrFail,
  startServer,
  uniquePrefix,
} from '@tina4/test-servers';
import { Redis } from 'ioredis';
import { createRedisStore, createStoreFromConfig, type NearCacheOptions } from '../src/index.js';
import { countRoundTrips, nearCacheEvents } from './support/near-cache-probes.js';

const backend = await provideTestBackend('redis');

const ttl = { ttlSeconds: 60 };
const set = (fields: Record<string, string>) => ({ replace: false, set: fields, delete: [] });

if ('skip' in backend) {
  describe.skip('redis store with a near cache', () => {
    it('needs a Redis server', () => {});
  });
} else {
  const prefix = uniquePrefix('near-cache');
  const raw = new Redis(backend.url);
  const target = { keys: raw, servers: () => [raw] };
  const stores: SessionStore[] = [];

  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await deleteKeysUnder(prefix, target);
    raw.disconnect();
    await backend.stop();
  });

  /** A near-cached store on a client of its own, its round trips counted, tracking already on. */
  const openStore = async (nearCache: NearCacheOptions = {}) => {
    const client = new Redis(backend.url);
    const trips = countRoundTrips(client);
    const events = nearCacheEvents();
    const store = createRedisStore({
      client,
      prefix,
      closeClient: true,
      nearCache: { ...nearCache, onEvent: events.onEvent },
    });
    stores.push(store);
    await store.ping!();
    return { store, client, trips, events };
  };

  // The whole contract, with the cache on (through the configuration, as an app turns it on).
  storeComplianceSuite(
    { describe, it, beforeAll, afterAll },
    {
      name: 'redis (standalone, near cache)',
      async createStore() {
        const store = await createStoreFromConfig(
          resolveSessionConfig({
            envFile: false,
            env: {
              TINA4_SESSION_BACKEND: 'redis',
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

  describe('redis store with a near cache', () => {
    it('reads a session again with no round trip, and writes it with one', async () => {
      const { store, trips } = await openStore();
      const key = sessionKeyOf('round-trips');
      expect(await trips.during(() => store.create(key, { a: '1' }, ttl))).toBe(1);
      expect(await trips.during(() => store.read(key))).toBe(0);
      expect(await trips.during(() => store.update(key, set({ b: '2' }), ttl))).toBe(1);
      let record: Awaited<ReturnType<typeof store.read>>;
      expect(await trips.during(async () => (record = await store.read(key)))).toBe(0);
      expect(record?.fields).toEqual({ a: '1', b: '2' });
      expect(await trips.during(() => store.read(key))).toBe(0);

      // A session this process never wrote: its first read fetches it, the next ones do not.
      const other = sessionKeyOf('read-twice');
      await raw.hset(sessionHashKey(prefix, other), { '': '0', c: '3' });
      await raw.pexpire(sessionHashKey(prefix, other), 60_000);
      expect(await trips.during(() => store.read(other))).toBe(1);
      expect(await trips.during(() => store.read(other))).toBe(0);
      console.info('[figures] redis near cache: repeated read 0 round trips, write 1, first read 1');
    });

    it('keeps its own writes: update, touch, move and destroy change or drop the cached copy at once', async () => {
      const { store, trips } = await openStore();
      const key = sessionKeyOf('own-writes');
      await store.create(key, { a: '1', b: '2' }, ttl);
      await store.update(key, { replace: false, set: { c: '3' }, delete: ['a'] }, ttl);
      expect((await store.read(key))?.fields).toEqual({ b: '2', c: '3' });
      await store.update(key, { replace: true, set: { only: '1' }, delete: [] }, ttl);
      expect((await store.read(key))?.fields).toEqual({ only: '1' });

      expect(await trips.during(() => store.touch(key, { ttlSeconds: 3600 }))).toBe(1);
      let expiresAt = 0;
      expect(await trips.during(async () => (expiresAt = (await store.read(key))!.expiresAt))).toBe(0);
      expect(expiresAt).toBeGreaterThan(Date.now() + 3_500_000);
      expect(await raw.pttl(sessionHashKey(prefix, key))).toBeGreaterThan(3_500_000);

      const moved = sessionKeyOf('own-writes-moved');
      expect(await store.move(key, moved, (fields) => ({ ...fields, m: '1' }), ttl)).toBe(true);
      expect(await trips.during(async () => expect(await store.read(key)).toBeUndefined())).toBe(1);
      expect(
        await trips.during(async () =>
          expect((await store.read(moved))?.fields).toEqual({ only: '1', m: '1' }),
        ),
      ).toBe(0);

      await store.destroy(moved);
      expect(await trips.during(async () => expect(await store.read(moved)).toBeUndefined())).toBe(1);
      // Refused by the server, the write of a stale copy brings nothing back.
      expect(await store.update(moved, set({ late: '1' }), ttl)).toBe(false);
      expect(await raw.exists(sessionHashKey(prefix, moved))).toBe(0);
    });

    it('still slides the expiry: a read due to renew it goes to the server, which renews it', async () => {
      const { store, trips } = await openStore();
      const key = sessionKeyOf('sliding');
      await store.create(key, { a: '1' }, ttl);
      const notDue = { slide: { ttlSeconds: 60, afterMs: 30_000 } };
      expect(await trips.during(() => store.read(key, notDue))).toBe(0);
      // Refreshed a minute ago as far as a one-hour lifetime goes: due.
      const due = { slide: { ttlSeconds: 3600, afterMs: 30_000 } };
      let slid: Awaited<ReturnType<typeof store.read>>;
      expect(await trips.during(async () => (slid = await store.read(key, due)))).toBe(1);
      expect(slid).toMatchObject({ slid: true });
      expect(await raw.pttl(sessionHashKey(prefix, key))).toBeGreaterThan(3_500_000);
      // The renewed expiry is cached: not due again.
      expect(await trips.during(() => store.read(key, due))).toBe(0);
    });

    it('sees a write by another store of this process at once, and hears of it from the server too', async () => {
      const here = await openStore();
      const there = await openStore();
      const key = sessionKeyOf('two-instances');
      await here.store.create(key, { n: '0' }, ttl);
      expect((await there.store.read(key))?.fields).toEqual({ n: '0' });
      expect(await there.trips.during(() => there.store.read(key))).toBe(0);
      const invalidated = there.events.next('invalidated', (event) => event.keys.includes(key));
      await here.store.update(key, set({ n: '1' }), ttl);
      // The server's invalidation leaves after the write's reply: in this process, `there` knows already.
      expect(
        await there.trips.during(async () =>
          expect((await there.store.read(key))?.fields).toEqual({ n: '1' }),
        ),
      ).toBe(1);
      await invalidated;
      await here.store.destroy(key);
      expect(await there.store.read(key)).toBeUndefined();
    });

    it('reads from the server while this store holds the session lock', async () => {
      const { store, trips } = await openStore();
      const key = sessionKeyOf('locked');
      await store.create(key, { a: '1' }, ttl);
      expect(await trips.during(() => store.read(key))).toBe(0);
      const release = await store.lock!(key, { waitMs: 1000, leaseMs: 5000 });
      expect(await trips.during(() => store.read(key))).toBe(1);
      expect(await trips.during(() => store.read(key))).toBe(1);
      await release();
      await release(); // safe twice
      expect(await trips.during(() => store.read(key))).toBe(0);
    });

    it('with TINA4_SESSION_LOCK, a request reads its session from the server once it holds the lock', async () => {
      const { store, trips } = await openStore();
      const manager = new SessionManager(
        resolveSessionConfig({ envFile: false, env: {}, store, lock: true }),
        store,
      );
      const first = await RequestSession.begin(manager, undefined, false);
      first.session.set('cart', [1]);
      const cookie = (await first.finish())!.split(';')[0]!;
      await first.release();
      // The copy is cached (from the create): the first read is free, the locked one is not.
      let second: RequestSession | undefined;
      const begin = await trips.during(async () => {
        second = await RequestSession.begin(manager, cookie, false);
      });
      expect(begin).toBe(2); // take the lock, read
      expect(second!.session.get('cart')).toEqual([1]);
      await second!.release();

      // Another process adds to the cart, and this process is asked at once, before it may have heard.
      const id = cookie.slice(cookie.indexOf('=') + 1);
      await raw.hset(sessionHashKey(prefix, sessionKeyOf(id)), 'cart', '[1,2]');
      const third = await RequestSession.begin(manager, cookie, false);
      expect(third.session.get('cart')).toEqual([1, 2]);
      await third.release();
    });

    it('empties itself when its invalidation connection drops, and a write made meanwhile is seen', async () => {
      const { store, trips, events } = await openStore();
      const tracking = events.seen.find((event) => event.type === 'tracking-on');
      if (tracking?.type !== 'tracking-on') throw new Error('tracking was not on');
      const key = sessionKeyOf('dropped-invalidations');
      await store.create(key, { n: '0' }, ttl);
      expect(await trips.during(() => store.read(key))).toBe(0);

      const lost = events.next('tracking-lost');
      const back = events.next('tracking-on');
      await raw.call('CLIENT', 'KILL', 'ID', String(tracking.invalidationClientId));
      await lost;
      // Written while nobody tells this process: the cache must not answer from before.
      await raw.hset(sessionHashKey(prefix, key), 'n', '1');
      expect(
        await trips.during(async () => expect((await store.read(key))?.fields).toEqual({ n: '1' })),
      ).toBe(1);

      await back;
      await store.read(key);
      expect(await trips.during(() => store.read(key))).toBe(0);
      const invalidated = events.next('invalidated', (event) => event.keys.includes(key));
      await raw.hset(sessionHashKey(prefix, key), 'n', '2');
      await invalidated;
      expect((await store.read(key))?.fields).toEqual({ n: '2' });
    });

    it('empties itself when its command connection drops, and serves again once tracking is back', async () => {
      const { store, client, trips, events } = await openStore();
      const key = sessionKeyOf('dropped-commands');
      await store.create(key, { n: '0' }, ttl);
      const id = await client.call('CLIENT', ['ID']);
      const lost = events.next('tracking-lost');
      const back = events.next('tracking-on');
      await raw.call('CLIENT', 'KILL', 'ID', String(id));
      await lost;
      await raw.hset(sessionHashKey(prefix, key), 'n', '1');
      await back;
      expect((await store.read(key))?.fields).toEqual({ n: '1' });
      expect(await trips.during(() => store.read(key))).toBe(0);
    });

    it("follows the keys of a client with ioredis's keyPrefix", async () => {
      const client = new Redis(backend.url, { keyPrefix: 'app:' });
      const events = nearCacheEvents();
      const store = createRedisStore({
        client,
        prefix,
        closeClient: true,
        nearCache: { onEvent: events.onEvent },
      });
      stores.push(store);
      await store.ping!();
      const key = sessionKeyOf('key-prefix');
      await store.create(key, { n: '0' }, ttl);
      expect((await store.read(key))?.fields).toEqual({ n: '0' });
      const invalidated = events.next('invalidated', (event) => event.keys.includes(key));
      await raw.hset(`app:${sessionHashKey(prefix, key)}`, 'n', '1');
      await invalidated;
      expect((await store.read(key))?.fields).toEqual({ n: '1' });
      await store.destroy(key);
    });

    it('stays within its memory bound, keeping the sessions read most recently', async () => {
      // Room for about ten of these sessions.
      const { store, trips } = await openStore({ maxBytes: 10 * 1200 });
      const keys = Array.from({ length: 30 }, (_, n) => sessionKeyOf(`bounded-${n}`));
      for (const key of keys) await store.create(key, { v: 'x'.repeat(400) }, ttl);
      // Newest first: each read of one that is kept makes it the most recent, none is evicted by it.
      const served: boolean[] = [];
      for (const key of [...keys].reverse()) served.push((await trips.during(() => store.read(key))) === 0);
      const cached = served.filter(Boolean).length;
      expect(cached).toBeGreaterThan(5);
      expect(cached).toBeLessThan(15);
      expect(served.slice(0, cached)).toEqual(Array(cached).fill(true)); // the newest stayed
      expect(served.slice(cached)).toEqual(Array(30 - cached).fill(false)); // the oldest went
    });

    it('is turned off by default, and refuses a client it cannot follow', async () => {
      const plain = createRedisStore({ client: raw, prefix });
      const key = sessionKeyOf('no-cache');
      const trips = countRoundTrips(raw);
      await plain.create(key, { a: '1' }, ttl);
      expect(await trips.during(() => plain.read(key))).toBe(1);
      expect(() =>
        createRedisStore({
          client: { ...raw, isCluster: true } as unknown as Redis,
          prefix,
          nearCache: true,
        }),
      ).toThrow(/nearCache cannot be used with a Redis Cluster/);
      expect(() =>
        createRedisStore({ client: { call: raw.call } as unknown as Redis, prefix, nearCache: true }),
      ).toThrow(/nearCache needs an ioredis or iovalkey client/);
    });
  });
}

// FLUSHALL empties a whole server: on a private one, never on one other tests share.
if (!haveBinaries(REDIS_BINARIES)) {
  skipOrFail('redis', 'redis-server and redis-cli are not on the PATH (apt-get install redis-server)');
  describe.skip('near cache and a flushed server', () => {
    it('needs redis-server', () => {});
  });
} else {
  describe('near cache and a flushed server', () => {
    it('drops every cached session when the server is flushed', async () => {
      const server = await startServer(REDIS_BINARIES, await freePort());
      const client = new Redis({ port: server.port });
      const trips = countRoundTrips(client);
      const events = nearCacheEvents();
      const store = createRedisStore({ client, closeClient: true, nearCache: { onEvent: events.onEvent } });
      try {
        await store.ping!();
        const [first, second] = [sessionKeyOf('flushed-1'), sessionKeyOf('flushed-2')];
        await store.create(first, { a: '1' }, ttl);
        await store.create(second, { b: '2' }, ttl);
        expect(await trips.during(() => store.read(first))).toBe(0);
        const flushed = events.next('flushed');
        const admin = new Redis({ port: server.port });
        await admin.flushall();
        admin.disconnect();
        await flushed;
        expect(await trips.during(async () => expect(await store.read(first)).toBeUndefined())).toBe(1);
        expect(await trips.during(async () => expect(await store.read(second)).toBeUndefined())).toBe(1);
      } finally {
        await store.close();
        await server.stop();
      }
    });
  });
}
