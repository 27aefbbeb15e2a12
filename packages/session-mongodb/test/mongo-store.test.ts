import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  generateSessionId,
  resolveSessionConfig,
  type SessionStore,
  sessionKeyOf,
} from '@tina4/session-core';
import { storeComplianceSuite } from '@tina4/session-core/testing';
import {
  MONGO_STAND_IN,
  mongoBackdoor,
  mongoServerInfo,
  openRawMongo,
  provideTestBackend,
  uniqueMongoDatabase,
} from '@tina4/test-servers';
import type { Db } from 'mongodb';
import { createMongoStore, createStoreFromConfig } from '../src/index.js';

// TINA4_TEST_MONGODB_URL (CI points it at the jongodb stand-in, see .ci/services/mongodb.sh), else
// a testcontainers `mongo` container, else a printed skip; with TINA4_TEST_REQUIRE=mongodb a
// missing server fails the run.
const backend = await provideTestBackend('mongodb');

if ('skip' in backend) {
  describe.skip(`mongodb store (skipped: ${backend.skip})`, () => {
    it('needs a MongoDB server', () => {});
  });
} else {
  // A database of this file's own: the back door's dump sees nothing but this run's documents.
  const database = uniqueMongoDatabase('store');
  const raw = await openRawMongo(backend.url, database);
  const server = await mongoServerInfo(raw.client);
  const backdoor = mongoBackdoor(raw);
  const newKey = () => sessionKeyOf(generateSessionId());
  const LONG = { ttlSeconds: 600 } as const;
  // The stand-in is slow on large documents (about 1.7 s to return the compliance suite's session
  // of 200 000 fields, which MongoDB returns in milliseconds): close to the default 2 s deadline of
  // a store operation. Its stores get 10 s, so that the contract is tested rather than the speed;
  // the deadline itself is tested on a frozen server (mongo-hung-server.test.ts).
  const storeTimeout = server.standIn ? { TINA4_SESSION_STORE_TIMEOUT: '10000' } : {};
  if (server.standIn) {
    process.stderr.write(
      `[session-mongodb] testing against ${MONGO_STAND_IN}, version ${server.version}; ` +
        'its stores get TINA4_SESSION_STORE_TIMEOUT=10000 (slow on large documents)\n',
    );
  }

  afterAll(async () => {
    await raw.close();
    await backend.stop();
  });

  // Through the same path as an app: the configuration, then the package's loader.
  const storeFromEnv = () =>
    createStoreFromConfig(
      resolveSessionConfig({
        envFile: false,
        env: {
          TINA4_SESSION_BACKEND: 'mongodb',
          TINA4_SESSION_URL: backend.url,
          TINA4_SESSION_DATABASE: database,
          ...storeTimeout,
        },
      }),
    );

  storeComplianceSuite(
    { describe, it, beforeAll, afterAll },
    {
      name: server.standIn ? 'mongodb (jongodb stand-in)' : 'mongodb',
      createStore: storeFromEnv,
      backdoor,
      lock: true,
      userSessions: true,
    },
  );

  describe('mongodb store: the documents as stored', () => {
    const opened: SessionStore[] = [];
    const store = async () => {
      const created = await storeFromEnv();
      opened.push(created);
      return created;
    };
    afterAll(() => Promise.all(opened.map((each) => each.close())));

    it('one document per session: _id = key, data = encoded fields -> JSON text, expiresAt = Date', async () => {
      const key = newKey();
      const before = Date.now();
      await (await store()).create(key, { 'user.name': '"Ann"', $set: '1', cart: '[]' }, { ttlSeconds: 60 });
      const document = await raw.sessions.findOne({ _id: key });
      expect(document).toEqual({
        _id: key,
        data: { 'user%2Ename': '"Ann"', '%24set': '1', cart: '[]' },
        expiresAt: expect.any(Date),
      });
      expect(document!.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 60_000);
      expect(document!.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 60_000);
    });

    it('an update is $set/$unset of data.<field> and expiresAt; replace sets data whole', async () => {
      const current = await store();
      const key = newKey();
      await current.create(key, { a: '1', 'b.c': '2', keep: 'true' }, LONG);
      await current.update(key, { replace: false, set: { a: '3' }, delete: ['b.c'] }, LONG);
      expect((await raw.sessions.findOne({ _id: key }))?.data).toEqual({ a: '3', keep: 'true' });
      await current.update(key, { replace: true, set: { only: '"this"' }, delete: [] }, LONG);
      expect((await raw.sessions.findOne({ _id: key }))?.data).toEqual({ only: '"this"' });
    });

    it('has the TTL index { expiresAt: 1 } with expireAfterSeconds 0, on sessions and on locks', async () => {
      const first = await store();
      await first.read(newKey());
      await (await first.lock!(newKey(), { waitMs: 1000, leaseMs: 30_000 }))();
      for (const collection of [raw.sessions, raw.locks]) {
        const indexes = await collection.listIndexes().toArray();
        expect(indexes).toContainEqual(
          expect.objectContaining({ key: { expiresAt: 1 }, expireAfterSeconds: 0 }),
        );
      }
      // Creating it again (a second instance, a restart) is harmless.
      await (await store()).read(newKey());
    });

    it('a regenerate moves the document: the old _id is gone, the new one holds the fields with the new expiry', async () => {
      const current = await store();
      const [from, to] = [newKey(), newKey()];
      await current.create(from, { user: '7' }, { ttlSeconds: 30 });
      expect(await current.move(from, to, (fields) => ({ ...fields, login: 'true' }), LONG)).toBe(true);
      expect(await raw.sessions.countDocuments({ _id: from })).toBe(0);
      const moved = await raw.sessions.findOne({ _id: to });
      expect(moved?.data).toEqual({ user: '7', login: 'true' });
      expect(moved!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 500_000);
    });

    it('a regenerate onto a key that holds a live session fails and puts the old document back as it was', async () => {
      const current = await store();
      const [from, taken] = [newKey(), newKey()];
      await current.create(from, { mine: '1' }, { ttlSeconds: 120 });
      await current.create(taken, { other: '1' }, LONG);
      const before = await raw.sessions.findOne({ _id: from });
      await expect(current.move(from, taken, (fields) => fields, LONG)).rejects.toThrow(
        /already holds a live session/,
      );
      expect(await raw.sessions.findOne({ _id: from })).toEqual(before);
      expect((await raw.sessions.findOne({ _id: taken }))?.data).toEqual({ other: '1' });
    });

    it('the lock works across clients that share nothing but the server (as separate processes would)', async () => {
      const key = newKey();
      const [one, two] = [await store(), await store()];
      await one.create(key, { count: '0' }, LONG);
      const increment = async (current: SessionStore) => {
        const release = await current.lock!(key, { waitMs: 20_000, leaseMs: 30_000 });
        try {
          const count = Number((await current.read(key))?.fields.count ?? 'NaN');
          await current.update(key, { replace: false, set: { count: String(count + 1) }, delete: [] }, LONG);
        } finally {
          await release();
        }
      };
      await Promise.all(Array.from({ length: 30 }, (_, index) => increment(index % 2 ? one : two)));
      expect(await backdoor.fields(key)).toEqual({ count: '30' });
      expect(await raw.locks.countDocuments({ _id: key })).toBe(0);
    });

    it("a lease that ran out is taken over, and the old holder's release leaves the new holder's lock", async () => {
      const key = newKey();
      const [crashed, next] = [await store(), await store()];
      const staleRelease = await crashed.lock!(key, { waitMs: 1000, leaseMs: 300 });
      const startedAt = Date.now();
      const release = await next.lock!(key, { waitMs: 5000, leaseMs: 30_000 });
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(200);
      await staleRelease();
      expect(await raw.locks.countDocuments({ _id: key })).toBe(1);
      await expect(crashed.lock!(key, { waitMs: 300, leaseMs: 30_000 })).rejects.toMatchObject({
        code: 'E_SESSION_LOCK_TIMEOUT',
      });
      await release();
      expect(await raw.locks.countDocuments({ _id: key })).toBe(0);
    });

    it('uses a client or Db of the app without closing it', async () => {
      const key = newKey();
      const onClient = await createMongoStore({ client: raw.client, database });
      await onClient.create(key, { a: '1' }, LONG);
      await onClient.close();
      const onDb = await createMongoStore({ db: raw.db });
      expect((await onDb.read(key))?.fields).toEqual({ a: '1' });
      await onDb.close();
      expect(await raw.client.db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
    });
  });

  describe('mongodb store: expired documents the server has not deleted', () => {
    // MongoDB's TTL task deletes an expired document up to a minute after its expiresAt; the
    // stand-in never does. Either way the document is still there for a while, and the store must
    // treat it as gone from the moment it expired.
    let current: SessionStore;
    beforeAll(async () => {
      current = await storeFromEnv();
    });
    afterAll(() => current.close());

    it('an expired session is not read, touched back, updated, moved or locked into life, and create replaces it', async () => {
      const [expired, touched, updated, moved, recreated, target] = [
        newKey(),
        newKey(),
        newKey(),
        newKey(),
        newKey(),
        newKey(),
      ];
      for (const key of [expired, touched, updated, moved, recreated]) {
        await current.create(key, { old: '"stale"' }, { ttlSeconds: 1 });
      }
      await new Promise((resolve) => setTimeout(resolve, 1300));

      expect(await current.read(expired)).toBeUndefined();
      expect(await current.touch(touched, LONG)).toBe(false);
      expect(
        await current.update(updated, { replace: false, set: { fresh: 'true' }, delete: [] }, LONG),
      ).toBe(false);
      expect(await current.move(moved, target, (fields) => fields, LONG)).toBe(false);
      expect(await current.create(recreated, { fresh: 'true' }, LONG)).toBe(true);

      expect((await current.read(recreated))?.fields).toEqual({ fresh: 'true' });
      expect(await raw.sessions.countDocuments({ _id: recreated })).toBe(1);
      expect(await raw.sessions.countDocuments({ _id: target })).toBe(0);
      for (const key of [expired, touched, updated, moved]) {
        expect(await current.read(key)).toBeUndefined();
        const left = await raw.sessions.findOne({ _id: key });
        // Whatever the server did with it: never extended, never changed.
        if (left) {
          expect(left.expiresAt.getTime()).toBeLessThanOrEqual(Date.now());
          expect(left.data).toEqual({ old: '"stale"' });
        }
      }
      if (server.standIn) {
        // The stand-in never deletes them: all four are still stored, and still never served.
        expect(await raw.sessions.countDocuments({ _id: { $in: [expired, touched, updated, moved] } })).toBe(
          4,
        );
      }
    });

    it('documents long past their expiry (as a server without a TTL monitor keeps them) stay gone', async () => {
      const keys = Array.from({ length: 3 }, newKey);
      const past = new Date(Date.now() - 24 * 3600_000);
      await raw.sessions.insertMany(
        keys.map((key) => ({ _id: key, data: { old: '"yesterday"' }, expiresAt: past })),
      );
      const [key, other, third] = keys as [string, string, string];
      expect(await current.read(key)).toBeUndefined();
      expect(await current.touch(other, LONG)).toBe(false);
      expect(await current.update(third, { replace: true, set: {}, delete: [] }, LONG)).toBe(false);
      expect(await current.create(key, { fresh: 'true' }, LONG)).toBe(true);
      expect(await backdoor.fields(key)).toEqual({ fresh: 'true' });
      expect(await current.read(other)).toBeUndefined();
    });
  });

  // MongoDB's TTL task runs every 60 s; this test lowers that to 1 s when the server lets it
  // (ttlMonitorSleepSecs needs admin rights), to see the index really delete a document.
  const ttlMonitor = server.standIn
    ? {
        reason:
          `${MONGO_STAND_IN} has no TTL monitor: it never deletes expired documents. The tests above ` +
          'show that the store does not need it to be correct; only the disk space of expired sessions is not reclaimed',
      }
    : await fastTtlMonitor(raw.client.db('admin'));

  describe('mongodb store: the TTL index deletes expired documents', () => {
    afterAll(async () => {
      if ('restore' in ttlMonitor) await ttlMonitor.restore();
    });

    if ('reason' in ttlMonitor) {
      process.stderr.write(`[session-mongodb] skipping the TTL deletion test: ${ttlMonitor.reason}\n`);
      it.skip(`deletes a document once its expiresAt has passed (skipped: ${ttlMonitor.reason})`, () => {});
      return;
    }

    it('deletes a document once its expiresAt has passed', async () => {
      const store = await storeFromEnv();
      const key = newKey();
      await store.create(key, { a: '1' }, { ttlSeconds: 1 });
      const deadline = Date.now() + 15_000;
      while ((await raw.sessions.countDocuments({ _id: key })) > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(await raw.sessions.countDocuments({ _id: key })).toBe(0);
      await store.close();
    }, 20_000);
  });
}

/** Sets the server's TTL task to run every second; `restore` puts the previous interval back. */
async function fastTtlMonitor(admin: Db): Promise<{ restore(): Promise<void> } | { reason: string }> {
  try {
    const { ttlMonitorSleepSecs } = await admin.command({ getParameter: 1, ttlMonitorSleepSecs: 1 });
    await admin.command({ setParameter: 1, ttlMonitorSleepSecs: 1 });
    return {
      async restore() {
        await admin.command({ setParameter: 1, ttlMonitorSleepSecs });
      },
    };
  } catch (error) {
    return { reason: `ttlMonitorSleepSecs cannot be set on this server (${(error as Error).message})` };
  }
}
