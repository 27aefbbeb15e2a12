import { afterAll, describe, expect, it } from '@jest/globals';
import { generateSessionId, type SessionStore, sessionKeyOf } from '@tina4/session-core';
import { provideTestBackend, type StoreBackdoor, storeComplianceSuite } from '@tina4/store-test-suite';
import { type Db, MongoClient } from 'mongodb';
import { decodeFields } from '../src/field-names.js';
import { createMongoStore } from '../src/mongo-store.js';

// A real MongoDB: TINA4_TEST_MONGODB_URL, else a testcontainers container, else the tests are
// skipped with the reason printed. (No stand-in: CongoDB rejects string `_id`s, see the README.)
const backend = await provideTestBackend('mongodb');

if ('skip' in backend) {
  // Straight to stderr as well: Jest drops the console output of a file whose tests all skip
  // when it runs several files.
  process.stderr.write(`[session-mongodb] MongoDB store tests skipped: ${backend.skip}\n`);
  describe.skip(`mongodb store (skipped: ${backend.skip})`, () => {
    it('needs a MongoDB server', () => {});
  });
} else {
  const raw = new MongoClient(backend.url, { serverSelectionTimeoutMS: 5000 });
  // A database of this run only: the back door's dump sees nothing but this run's records.
  const db: Db = raw.db(`tina4_test_${process.pid}_${Date.now().toString(36)}`);
  const sessions = db.collection<{ _id: string; data?: Record<string, string>; expiresAt: Date }>(
    'tina4_sessions',
  );
  const locks = db.collection<{ _id: string; token: string; expiresAt: Date }>('tina4_sessions_locks');
  const newKey = () => sessionKeyOf(generateSessionId());
  const openStore = () => createMongoStore({ uri: backend.url, database: db.databaseName });

  const backdoor: StoreBackdoor = {
    async fields(key) {
      const document = await sessions.findOne({ _id: key });
      return document ? decodeFields(document.data) : undefined;
    },
    async ttlMs(key) {
      const document = await sessions.findOne({ _id: key });
      return document ? document.expiresAt.getTime() - Date.now() : undefined;
    },
    async dump() {
      return JSON.stringify([await sessions.find().toArray(), await locks.find().toArray()]);
    },
  };

  afterAll(async () => {
    await db.dropDatabase();
    await raw.close();
    await backend.stop();
  });

  storeComplianceSuite({ name: 'mongodb', createStore: openStore, backdoor, lock: true });

  describe('mongodb store: the documents as stored', () => {
    const opened: SessionStore[] = [];
    const store = async () => {
      const created = await openStore();
      opened.push(created);
      return created;
    };
    afterAll(() => Promise.all(opened.map((each) => each.close())));

    it('one document per session: _id = key, data = encoded fields -> JSON text, expiresAt = Date', async () => {
      const key = newKey();
      await (await store()).write(
        key,
        { replace: false, set: { 'user.name': '"Ann"', $set: '1', cart: '[]' }, delete: [] },
        60,
      );
      const document = await sessions.findOne({ _id: key });
      expect(document).toEqual({
        _id: key,
        data: { 'user%2Ename': '"Ann"', '%24set': '1', cart: '[]' },
        expiresAt: expect.any(Date),
      });
    });

    it('has the TTL index { expiresAt: 1 } with expireAfterSeconds 0, on sessions and on locks', async () => {
      const first = await store();
      await first.read(newKey());
      await (await first.lock!(newKey(), { waitMs: 1000, leaseMs: 30_000 }))();
      for (const collection of [sessions, locks]) {
        const indexes = await collection.listIndexes().toArray();
        expect(indexes).toContainEqual(
          expect.objectContaining({ key: { expiresAt: 1 }, expireAfterSeconds: 0 }),
        );
      }
      // Creating it again (a second instance, a restart) is harmless.
      await (await store()).read(newKey());
    });

    it('an expired document the TTL task has not removed yet: not read, not touched back, not merged into', async () => {
      const [key, touched] = [newKey(), newKey()];
      const past = new Date(Date.now() - 1000);
      await sessions.insertMany([
        { _id: key, data: { old: '"stale"' }, expiresAt: past },
        { _id: touched, data: { old: '"stale"' }, expiresAt: past },
      ]);
      const current = await store();
      expect(await current.read(key)).toBeUndefined();
      await current.touch(touched, 600);
      expect(await current.read(touched)).toBeUndefined();
      await current.write(key, { replace: false, set: { fresh: 'true' }, delete: ['old'] }, 600);
      expect((await current.read(key))?.fields).toEqual({ fresh: 'true' });
      expect(await sessions.countDocuments({ _id: key })).toBe(1);
    });

    it('the lock works across clients that share nothing but the server (as separate processes would)', async () => {
      const key = newKey();
      const [one, two] = [await store(), await store()];
      const increment = async (current: SessionStore) => {
        const release = await current.lock!(key, { waitMs: 20_000, leaseMs: 30_000 });
        try {
          const count = Number((await current.read(key))?.fields.count ?? '0');
          await current.write(key, { replace: false, set: { count: String(count + 1) }, delete: [] }, 600);
        } finally {
          await release();
        }
      };
      await Promise.all(Array.from({ length: 30 }, (_, index) => increment(index % 2 ? one : two)));
      expect(await backdoor.fields(key)).toEqual({ count: '30' });
      expect(await locks.countDocuments({ _id: key })).toBe(0);
    });

    it("a lease that ran out is taken over, and the old holder's release leaves the new holder's lock", async () => {
      const key = newKey();
      const [crashed, next] = [await store(), await store()];
      const staleRelease = await crashed.lock!(key, { waitMs: 1000, leaseMs: 300 });
      const startedAt = Date.now();
      const release = await next.lock!(key, { waitMs: 5000, leaseMs: 30_000 });
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(200);
      await staleRelease();
      expect(await locks.countDocuments({ _id: key })).toBe(1);
      await expect(crashed.lock!(key, { waitMs: 300, leaseMs: 30_000 })).rejects.toMatchObject({
        code: 'E_SESSION_LOCK_TIMEOUT',
      });
      await release();
      expect(await locks.countDocuments({ _id: key })).toBe(0);
    });

    it('uses a client or Db of the app without closing it', async () => {
      const key = newKey();
      const onClient = await createMongoStore({ client: raw, database: db.databaseName });
      await onClient.write(key, { replace: true, set: { a: '1' }, delete: [] }, 600);
      await onClient.close();
      const onDb = await createMongoStore({ db });
      expect((await onDb.read(key))?.fields).toEqual({ a: '1' });
      await onDb.close();
      expect(await raw.db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
    });
  });

  // MongoDB's TTL task runs every 60 s; this test lowers that to 1 s when the server lets it
  // (ttlMonitorSleepSecs needs admin rights), to see the index really delete a document.
  const ttlMonitor = await fastTtlMonitor(raw.db('admin'));
  if ('reason' in ttlMonitor) console.warn(`[mongodb tests] not checking TTL deletion: ${ttlMonitor.reason}`);

  describe('mongodb store: the TTL index', () => {
    afterAll(async () => {
      if ('restore' in ttlMonitor) await ttlMonitor.restore();
    });

    ('restore' in ttlMonitor ? it : it.skip)(
      'deletes a document once its expiresAt has passed',
      async () => {
        const store = await openStore();
        const key = newKey();
        await store.write(key, { replace: true, set: { a: '1' }, delete: [] }, 1);
        const deadline = Date.now() + 15_000;
        while ((await sessions.countDocuments({ _id: key })) > 0 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
        expect(await sessions.countDocuments({ _id: key })).toBe(0);
        await store.close();
      },
      20_000,
    );
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
    return { reason: `ttlMonitorSleepSecs cannot be set here (${(error as Error).message})` };
  }
}
