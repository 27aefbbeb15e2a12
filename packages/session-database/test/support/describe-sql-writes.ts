import { describe, expect, it, jest } from '@jest/globals';
import { applyChangeSet, type SessionChangeSet, type SessionFields } from '@tina4/session-core';
import { newKey } from '@tina4/session-core/testing';
import { Kysely, MysqlDialect, type MysqlPool } from 'kysely';
import { parseDatabaseUrl, type ServerDatabaseUrl } from '../../src/database-url.js';
import { MAX_MERGED_FIELDS } from '../../src/json-merge/merge-size.js';
import {
  change,
  corruptRow,
  expireRow,
  LONG,
  mergesInOneStatement,
  openCountingStore,
  type SqlTestContext,
  TTL,
} from './sql-test-context.js';

/** Field names that a JSON path would have to escape or would misread. */
const PATH_SYNTAX_NAMES = [
  'double"quote',
  'back\\slash',
  '\\"both\\"',
  '"',
  '\\',
  "single'quote",
  '$."already a path"',
  '$.a[0]',
  'a.b',
  '*',
  '**.x',
  '[0]',
  'with space',
  '{}',
  'NULL',
  'comma,separated',
  '__flash:x',
  'ünïcödé 🎉',
  '',
];

/** Field names whose JSON escapes jsonb (NUL, lone surrogates) or MariaDB (lone surrogates) refuse. */
const UNPARSABLE_NAMES = ['nul\u0000inside', 'lone high \ud83d', '\udc00 lone low', 'pair 😀 fine'];

const fieldsOf = (names: readonly string[], value: string): SessionFields =>
  Object.fromEntries(names.map((name, index) => [name, JSON.stringify(`${value}${index}`)]));

/**
 * The update path's own tests: the one-statement JSON merge where the engine has one, field names
 * that would break a JSON path or a JSON parser, expired, destroyed and unreadable rows, and the
 * composition of one process's concurrent updates.
 */
export function describeSqlWrites(context: SqlTestContext): void {
  const { backdoor } = context;

  /**
   * Creates a record, applies the change sets in turn and checks each result against the core's
   * own merge; with `oneStatement`, also that each update was one statement (no silent fallback to
   * a transaction).
   */
  const expectUpdates = async (changeSets: SessionChangeSet[], oneStatement: boolean): Promise<void> => {
    const counting = await openCountingStore(context);
    try {
      const key = newKey();
      expect(await counting.store.create(key, {}, LONG)).toBe(true);
      let expected: SessionFields = {};
      for (const changes of changeSets) {
        counting.count();
        expect(await counting.store.update(key, changes, LONG)).toBe(true);
        if (oneStatement) expect(counting.count()).toBe(1);
        expected = applyChangeSet(expected, changes);
        expect(await backdoor.fields(key)).toEqual({ ...expected });
        expect({ ...(await counting.store.read(key))?.fields }).toEqual({ ...expected });
      }
    } finally {
      await counting.close();
    }
  };

  describe('updates', () => {
    it('create and touch are one statement; an update is one on SQLite, PostgreSQL and MySQL/MariaDB, a transaction elsewhere', async () => {
      const counting = await openCountingStore(context);
      try {
        const key = newKey();
        expect(await counting.store.create(key, { a: '1' }, LONG)).toBe(true);
        expect(counting.count()).toBe(1);
        for (const changes of [change({ b: '2' }, ['a']), change({ c: '3' }, [], true)]) {
          expect(await counting.store.update(key, changes, LONG)).toBe(true);
          if (mergesInOneStatement(context)) expect(counting.count()).toBe(1);
          else expect(counting.count()).toBeGreaterThan(1);
        }
        expect(await counting.store.touch(key, LONG)).toBe(true);
        expect(counting.count()).toBe(1);
        expect(await backdoor.fields(key)).toEqual({ c: '3' });
      } finally {
        await counting.close();
      }
    });

    it('field names with quotes, backslashes and JSON path syntax are set, merged, deleted and replaced', async () => {
      const half = PATH_SYNTAX_NAMES.filter((_, index) => index % 2 === 0);
      await expectUpdates(
        [
          change({ base: '"b"' }),
          change(fieldsOf(PATH_SYNTAX_NAMES, 'first')),
          change(fieldsOf(half, 'second'), ['base']),
          change({ other: '1' }, half),
          change(fieldsOf(PATH_SYNTAX_NAMES.slice(0, 3), 'replaced'), [], true),
          change({}, PATH_SYNTAX_NAMES),
        ],
        mergesInOneStatement(context),
      );
    });

    it('field names with NUL and unpaired surrogates are set, merged and deleted, and later merges still work', async () => {
      // Some engines' JSON cannot parse these names: those updates, and merges into a row holding
      // them, take the transactional path.
      await expectUpdates(
        [
          change({ base: '"b"' }),
          change(fieldsOf(UNPARSABLE_NAMES, 'first')),
          change({ plain: '2' }, ['base']),
          change({ more: '3' }, UNPARSABLE_NAMES.slice(0, 2)),
          change(fieldsOf(UNPARSABLE_NAMES, 'new'), [], true),
          change({}, UNPARSABLE_NAMES),
        ],
        context.raw().engine === 'sqlite',
      );
    });

    it(`a change set naming more than ${MAX_MERGED_FIELDS} fields merges in the app (the engines' merge costs fields named x fields stored)`, async () => {
      const counting = await openCountingStore(context);
      try {
        const key = newKey();
        const many = (prefix: string, count: number) =>
          Object.fromEntries(
            Array.from({ length: count }, (_, index) => [`${prefix}${index}`, String(index)]),
          );
        await counting.store.create(key, many('old', 2000), LONG);
        const small = change(many('set', MAX_MERGED_FIELDS - 1), ['old0']);
        const largeSet = change(many('big', MAX_MERGED_FIELDS + 1));
        const largeDelete = change({}, Object.keys(many('old', MAX_MERGED_FIELDS + 2)).slice(1));
        const statementsOf = async (changes: SessionChangeSet) => {
          counting.count();
          expect(await counting.store.update(key, changes, LONG)).toBe(true);
          return counting.count();
        };
        const merging = mergesInOneStatement(context);
        expect((await statementsOf(small)) === 1).toBe(merging);
        // PostgreSQL's jsonb || is not quadratic: only many deletions leave its statement.
        expect((await statementsOf(largeSet)) === 1).toBe(merging && context.raw().engine === 'postgres');
        expect((await statementsOf(largeDelete)) === 1).toBe(false);
        const expected = applyChangeSet(
          applyChangeSet(applyChangeSet(many('old', 2000), small), largeSet),
          largeDelete,
        );
        expect(await backdoor.fields(key)).toEqual({ ...expected });
      } finally {
        await counting.close();
      }
    });

    it('an update of a destroyed row creates nothing, on every path (merge, replace, transaction, touch)', async () => {
      const store = await context.open();
      const key = newKey();
      expect(await store.create(key, { user: '7' }, LONG)).toBe(true);
      await store.destroy(key);
      expect(await store.update(key, change({ cart: '[1]' }), LONG)).toBe(false);
      expect(await store.update(key, change({ cart: '[1]' }, [], true), LONG)).toBe(false);
      expect(await store.update(key, change(fieldsOf(UNPARSABLE_NAMES, 'x')), LONG)).toBe(false);
      expect(await store.update(key, change({}, ['user']), LONG)).toBe(false);
      expect(await store.touch(key, LONG)).toBe(false);
      expect(await backdoor.fields(key)).toBeUndefined();
      expect(await store.read(key)).toBeUndefined();
    });

    it('an update of an expired row that is not reaped yet changes nothing; create then starts afresh', async () => {
      const store = await context.open();
      const key = newKey();
      await store.create(key, { old: '1', gone: '2' }, LONG);
      await expireRow(context, key);
      expect(await store.update(key, change({ fresh: '3' }, ['gone']), LONG)).toBe(false);
      expect(await store.update(key, change({ fresh: '3' }, [], true), LONG)).toBe(false);
      expect(await store.update(key, change(fieldsOf(UNPARSABLE_NAMES, 'x')), LONG)).toBe(false);
      expect(await store.touch(key, LONG)).toBe(false);
      // The row is as it was: still expired, still the old data.
      expect(await backdoor.fields(key)).toEqual({ old: '1', gone: '2' });
      expect(await backdoor.ttlMs(key)).toBeLessThanOrEqual(0);
      expect(await store.read(key)).toBeUndefined();

      expect(await store.create(key, { fresh: '3' }, LONG)).toBe(true);
      expect(await backdoor.fields(key)).toEqual({ fresh: '3' });
      expect(await backdoor.ttlMs(key)).toBeGreaterThan((TTL - 60) * 1000);
    });

    it('a merge into a row whose data is not JSON rejects (each of concurrent ones); a replacing update repairs it', async () => {
      const store = await context.open();
      const key = newKey();
      await store.create(key, { a: '1' }, LONG);
      await corruptRow(context, key);
      const merges = ['b', 'c', 'd'].map((name) => store.update(key, change({ [name]: '2' }), LONG));
      for (const merge of merges) await expect(merge).rejects.toThrow(/not a JSON object of fields/);
      expect(await store.update(key, change({ e: '3' }, [], true), LONG)).toBe(true);
      expect((await store.read(key))?.fields).toEqual({ e: '3' });
    });

    it("this process's concurrent updates of one session are composed into fewer statements, every change applied", async () => {
      const counting = await openCountingStore(context);
      try {
        const key = newKey();
        await counting.store.create(key, { keep: '0', drop1: '1', drop2: '2' }, LONG);
        counting.count();
        const updates = Array.from({ length: 20 }, (_, index) =>
          counting.store.update(
            key,
            change({ [`f${index}`]: String(index) }, index < 2 ? [`drop${index + 1}`] : []),
            { ttlSeconds: TTL - index },
          ),
        );
        expect(await Promise.all(updates)).toEqual(Array.from({ length: 20 }, () => true));
        // The first update goes out at once; the 19 that arrive meanwhile share the next one.
        if (mergesInOneStatement(context)) expect(counting.count()).toBe(2);
        else expect(counting.count()).toBeLessThanOrEqual(8);
        const expected: SessionFields = { keep: '0' };
        for (let index = 0; index < 20; index++) expected[`f${index}`] = String(index);
        expect(await backdoor.fields(key)).toEqual(expected);
        // The last update's TTL stands.
        const ttlMs = (await backdoor.ttlMs(key)) ?? 0;
        expect(ttlMs).toBeLessThanOrEqual((TTL - 19) * 1000);
        expect(ttlMs).toBeGreaterThan((TTL - 19 - 30) * 1000);
      } finally {
        await counting.close();
      }
    });

    it('updates queued behind one that finds no row all resolve false, without another round trip', async () => {
      const counting = await openCountingStore(context);
      try {
        expect(await counting.store.update(newKey(), change({ a: '1' }), LONG)).toBe(false);
        const oneUpdate = counting.count();
        const key = newKey();
        const updates = Array.from({ length: 10 }, (_, index) =>
          counting.store.update(key, change({ [`f${index}`]: '1' }), LONG),
        );
        expect(await Promise.all(updates)).toEqual(Array.from({ length: 10 }, () => false));
        expect(counting.count()).toBe(oneUpdate);
        expect(await backdoor.fields(key)).toBeUndefined();
      } finally {
        await counting.close();
      }
    });

    if (parseDatabaseUrl(context.url).engine === 'mysql') describeFoundRows(context);
  });
}

/**
 * MySQL/MariaDB report the rows an UPDATE changed, not the rows it matched, unless the connection has
 * the FOUND_ROWS flag: an update that leaves a row exactly as it was must still say the row is there.
 */
function describeFoundRows(context: SqlTestContext): void {
  describe('MySQL/MariaDB affected rows', () => {
    /** Runs `body` with the clock stopped, so that a second update writes the very same expiry. */
    const withStoppedClock = async (body: () => Promise<void>): Promise<void> => {
      const now = jest.spyOn(Date, 'now').mockReturnValue(Date.now());
      try {
        await body();
      } finally {
        now.mockRestore();
      }
    };

    it('an update and a touch that change nothing still resolve true (the store’s pool has FOUND_ROWS)', async () => {
      const store = await context.open();
      const key = newKey();
      await withStoppedClock(async () => {
        await store.create(key, { a: '1' }, LONG);
        // The first merge rewrites the JSON text in the server's own format; the second changes nothing.
        expect(await store.update(key, change({ a: '1' }), LONG)).toBe(true);
        expect(await store.update(key, change({ a: '1' }), LONG)).toBe(true);
        expect(await store.update(key, change({}), LONG)).toBe(true);
        expect(await store.touch(key, LONG)).toBe(true);
      });
      expect(await context.backdoor.fields(key)).toEqual({ a: '1' });
    });

    it("on an app's pool without FOUND_ROWS, an update that changes nothing is confirmed by a read", async () => {
      const url = parseDatabaseUrl(context.url) as ServerDatabaseUrl;
      const mysql = (await import('mysql2')) as unknown as { createPool(config: object): MysqlPool };
      const db = new Kysely<Record<string, never>>({
        dialect: new MysqlDialect({
          pool: mysql.createPool({
            host: url.host,
            port: url.port ?? 3306,
            user: url.user,
            password: url.password,
            database: url.database,
            connectionLimit: 2,
            flags: ['-FOUND_ROWS'],
          }),
        }),
      });
      let statements = 0;
      const counted = db.withPlugin({
        transformQuery: ({ node }) => node,
        transformResult: async ({ result }) => {
          statements++;
          return result;
        },
      });
      try {
        const store = await context.open({ db: counted });
        const key = newKey();
        await withStoppedClock(async () => {
          await store.create(key, { a: '1' }, LONG);
          await store.update(key, change({ a: '1' }), LONG);
          statements = 0;
          expect(await store.update(key, change({ a: '1' }), LONG)).toBe(true);
          // The UPDATE reported 0 rows (nothing changed), and a read confirmed the row.
          expect(statements).toBe(2);
          expect(await store.touch(key, LONG)).toBe(true);
        });
        await store.destroy(key);
        expect(await store.update(key, change({ a: '2' }), LONG)).toBe(false);
        expect(await store.touch(key, LONG)).toBe(false);
        await store.close();
      } finally {
        await db.destroy();
      }
    });
  });
}
