import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateSessionId, type SessionStore, sessionKeyOf } from '@tina4/session-core';
import { type BackendName, provideTestBackend, storeComplianceSuite } from '@tina4/store-test-suite';
import { createDatabaseStore, type DatabaseStoreOptions } from '../../src/database-store.js';
import { describeSqlWrites } from './describe-sql-writes.js';
import { openRawClient, type RawClient } from './raw-client.js';
import { createSqlBackdoor, dropTables, uniqueTable } from './sql-backdoor.js';

const set = (fields: Record<string, string>) => ({ replace: false, set: fields, delete: [] });
const newKey = () => sessionKeyOf(generateSessionId());
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The database store's tests on one engine: the compliance suite, then what is particular to SQL
 * (the write path, table creation racing, the lock between separate pools, a stale lease, reaping).
 */
export function describeSqlStore(name: string, url: string): void {
  const table = uniqueTable();
  const extraTables: string[] = [];
  let client: RawClient | undefined;
  const raw = (): RawClient => {
    if (!client) throw new Error('The raw client opens in beforeAll.');
    return client;
  };
  const stores: SessionStore[] = [];
  const open = async (options: Partial<DatabaseStoreOptions> = {}): Promise<SessionStore> => {
    const store = await createDatabaseStore({ url, table, reapIntervalMs: 0, ...options });
    stores.push(store);
    return store;
  };

  describe(`database store on ${name}`, () => {
    beforeAll(async () => {
      client = await openRawClient(url);
    });
    afterAll(async () => {
      await Promise.all(stores.map((store) => store.close()));
      for (const name of [table, ...extraTables]) await dropTables(raw(), name);
      await client?.close();
    });

    const backdoor = createSqlBackdoor(raw, table);
    storeComplianceSuite({
      name: `database (${name})`,
      createStore: () => open(),
      backdoor,
      lock: true,
    });

    describeSqlWrites({ url, table, raw, backdoor, open });

    describe('tables', () => {
      it('three stores created at once on a fresh table all work (idempotent creation)', async () => {
        const fresh = uniqueTable();
        extraTables.push(fresh);
        const created = await Promise.all([1, 2, 3].map(() => open({ table: fresh })));
        const keys = created.map(() => newKey());
        await Promise.all(
          created.map((store, index) => store.write(keys[index]!, set({ n: String(index) }), 600)),
        );
        for (const [index, key] of keys.entries()) {
          expect((await created[0]!.read(key))?.fields).toEqual({ n: String(index) });
        }
        await Promise.all(created.map((store) => store.close()));
      });
    });

    describe('lock between store instances (separate connection pools on server engines, as in separate processes)', () => {
      it('a lock held through one pool makes the other wait, then pass once released', async () => {
        const [one, other] = [await open(), await open()];
        const key = newKey();
        const release = await one.lock!(key, { waitMs: 1000, leaseMs: 30_000 });
        await expect(other.lock!(key, { waitMs: 300, leaseMs: 30_000 })).rejects.toMatchObject({
          code: 'E_SESSION_LOCK_TIMEOUT',
        });
        const waiter = other.lock!(key, { waitMs: 5000, leaseMs: 30_000 });
        setTimeout(() => void release(), 100);
        await (await waiter)();
      });

      it('a lease its holder never released is taken over once it runs out', async () => {
        const [crashed, next] = [await open(), await open()];
        const key = newKey();
        await crashed.lock!(key, { waitMs: 1000, leaseMs: 300 });
        const startedAt = Date.now();
        const release = await next.lock!(key, { waitMs: 5000, leaseMs: 30_000 });
        expect(Date.now() - startedAt).toBeGreaterThanOrEqual(200);
        await release();
      });
    });

    describe('reaping', () => {
      const rowOf = async (key: string) => {
        const { quote, query } = raw();
        return (
          await query(
            `select 1 as ${quote('found')} from ${quote(table)} where ${quote('session_key')} = ?`,
            [key],
          )
        ).length;
      };

      it('an unref’d timer deletes expired rows', async () => {
        const key = newKey();
        const store = await open({ reapIntervalMs: 200 });
        await store.write(key, set({ a: '1' }), 1);
        expect(await rowOf(key)).toBe(1);
        await sleep(1600);
        expect(await rowOf(key)).toBe(0);
        await store.close();
      });

      it('with reapProbability 1, a write deletes expired rows in the background', async () => {
        const [expired, fresh] = [newKey(), newKey()];
        const store = await open({ reapProbability: 1 });
        await store.write(expired, set({ a: '1' }), 1);
        await sleep(1200);
        expect(await rowOf(expired)).toBe(1);
        await store.write(fresh, set({ b: '2' }), 600);
        for (let waited = 0; waited < 3000 && (await rowOf(expired)) === 1; waited += 50) await sleep(50);
        expect(await rowOf(expired)).toBe(0);
        expect(await rowOf(fresh)).toBe(1);
      });
    });
  });
}

/**
 * Runs {@link describeSqlStore} against the server `provideTestBackend` finds for `backend`, or
 * registers a skipped block that says why there is none.
 */
export async function describeSqlStoreOn(backend: BackendName, name: string): Promise<void> {
  const provided = await provideTestBackend(backend);
  if ('skip' in provided) {
    // Jest hides the console output of a file whose tests are all skipped: say it on stderr too.
    process.stderr.write(`[session-database] ${name} tests skipped: ${provided.skip}\n`);
    describe.skip(`database store on ${name}: ${provided.skip}`, () => {
      it('needs a server', () => {});
    });
    return;
  }
  describeSqlStore(name, provided.url);
  afterAll(() => provided.stop());
}
