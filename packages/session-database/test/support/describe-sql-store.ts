import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SessionStore } from '@tina4/session-core';
import { newKey, storeComplianceSuite } from '@tina4/session-core/testing';
import {
  type BackendName,
  createSqlBackdoor,
  dropTables,
  openRawClient,
  provideTestBackend,
  type RawClient,
  uniqueTable,
} from '@tina4/test-servers';
import { createDatabaseStore } from '../../src/database-store.js';
import type { DatabaseStoreOptions } from '../../src/database-store-options.js';
import { describeSqlMoves } from './describe-sql-moves.js';
import { describeSqlTimeouts } from './describe-sql-timeouts.js';
import { describeSqlUserSessions } from './describe-sql-user-sessions.js';
import { describeSqlWrites } from './describe-sql-writes.js';
import { LONG, type SqlTestContext } from './sql-test-context.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The database store's tests on one engine: the compliance suite, then what is particular to SQL
 * (the update path, moves and creates, table creation racing, the lock between separate pools, a
 * stale lease, reaping).
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
  const context: SqlTestContext = { name, url, table, raw, backdoor: createSqlBackdoor(raw, table), open };

  describe(`database store on ${name}`, () => {
    beforeAll(async () => {
      client = await openRawClient(url);
    });
    afterAll(async () => {
      await Promise.all(stores.map((store) => store.close()));
      for (const created of [table, ...extraTables]) await dropTables(raw(), created);
      await client?.close();
    });

    storeComplianceSuite(
      { describe, it, beforeAll, afterAll },
      {
        name: `database (${name})`,
        createStore: () => open(),
        backdoor: context.backdoor,
        lock: true,
        userSessions: true,
      },
    );

    describeSqlWrites(context);
    describeSqlMoves(context);
    describeSqlTimeouts(context);
    describeSqlUserSessions(context);

    describe('tables', () => {
      it('three stores created at once on a fresh table all work (idempotent creation)', async () => {
        const fresh = uniqueTable();
        extraTables.push(fresh);
        const created = await Promise.all([1, 2, 3].map(() => open({ table: fresh })));
        const keys = created.map(() => newKey());
        const results = await Promise.all(
          created.map((store, index) => store.create(keys[index]!, { n: String(index) }, LONG)),
        );
        expect(results).toEqual([true, true, true]);
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
        await store.create(key, { a: '1' }, { ttlSeconds: 1 });
        expect(await rowOf(key)).toBe(1);
        await sleep(1600);
        expect(await rowOf(key)).toBe(0);
        await store.close();
      });

      it('with reapProbability 1, a write deletes expired rows in the background', async () => {
        const [expired, fresh] = [newKey(), newKey()];
        const store = await open({ reapProbability: 1 });
        await store.create(expired, { a: '1' }, { ttlSeconds: 1 });
        await sleep(1200);
        expect(await rowOf(expired)).toBe(1);
        await store.create(fresh, { b: '2' }, LONG);
        for (let waited = 0; waited < 3000 && (await rowOf(expired)) === 1; waited += 50) await sleep(50);
        expect(await rowOf(expired)).toBe(0);
        expect(await rowOf(fresh)).toBe(1);
      });
    });
  });
}

/**
 * Runs {@link describeSqlStore} against the server `provideTestBackend` finds for `backend`, or
 * registers a skipped block that says why there is none (a backend listed in `TINA4_TEST_REQUIRE`
 * fails instead).
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
