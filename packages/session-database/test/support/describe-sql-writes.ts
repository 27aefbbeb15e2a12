import { describe, expect, it } from '@jest/globals';
import {
  applyChangeSet,
  generateSessionId,
  type SessionChangeSet,
  type SessionFields,
  type SessionStore,
  sessionKeyOf,
} from '@tina4/session-core';
import type { KyselyPlugin } from 'kysely';
import type { DatabaseStoreOptions } from '../../src/database-store.js';
import { parseDatabaseUrl } from '../../src/database-url.js';
import { createKyselyForUrl } from '../../src/dialects/create-kysely.js';
import { importModule } from '../../src/driver-loader.js';
import type { RawClient } from './raw-client.js';
import type { createSqlBackdoor } from './sql-backdoor.js';

const TTL = 600;
const newKey = () => sessionKeyOf(generateSessionId());
const change = (set: SessionFields, remove: string[] = [], replace = false): SessionChangeSet => ({
  replace,
  set,
  delete: remove,
});

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
 * The write path's own tests: the one-statement upsert where the engine has one, field names that
 * would break a JSON path or a JSON parser, expired and unreadable rows.
 */
export function describeSqlWrites(options: {
  url: string;
  table: string;
  raw: () => RawClient;
  backdoor: ReturnType<typeof createSqlBackdoor>;
  open: (options?: Partial<DatabaseStoreOptions>) => Promise<SessionStore>;
}): void {
  const { url, table, raw, backdoor, open } = options;

  /** Whether the engine writes with one upsert statement (the others use a transaction). */
  const upsertEngine = (): boolean => ['sqlite', 'postgres', 'mysql'].includes(raw().engine);

  /** A store on its own Kysely instance that counts the statements the store runs. */
  const countingStore = async () => {
    let statements = 0;
    const counter: KyselyPlugin = {
      transformQuery: ({ node }) => node,
      transformResult: async ({ result }) => {
        statements++;
        return result;
      },
    };
    const opened = await createKyselyForUrl(parseDatabaseUrl(url), {
      load: importModule,
      logger: console,
      poolSize: 2,
    });
    const store = await open({ db: opened.db.withPlugin(counter), engine: raw().engine });
    await store.read(newKey()); // the tables exist from here on
    return {
      store,
      /** The statements run since the last call. */
      count(): number {
        const counted = statements;
        statements = 0;
        return counted;
      },
      async close(): Promise<void> {
        await store.close();
        await opened.close();
      },
    };
  };

  /**
   * Writes the change sets in turn and checks each result against the core's own merge; on the
   * upsert engines also that each write was one statement (no silent fallback to a transaction).
   */
  const expectWrites = async (changeSets: SessionChangeSet[], oneStatement: boolean): Promise<void> => {
    const counting = await countingStore();
    try {
      const key = newKey();
      let expected: SessionFields | undefined;
      for (const changes of changeSets) {
        counting.count();
        await counting.store.write(key, changes, TTL);
        if (oneStatement) expect(counting.count()).toBe(1);
        expected = applyChangeSet(expected, changes);
        expect(await backdoor.fields(key)).toEqual(expected);
        expect((await counting.store.read(key))?.fields).toEqual(expected);
      }
    } finally {
      await counting.close();
    }
  };

  describe('writes', () => {
    it('a write is one statement on SQLite, PostgreSQL and MySQL/MariaDB, a transaction elsewhere', async () => {
      const counting = await countingStore();
      try {
        const key = newKey();
        for (const changes of [
          change({ a: '1' }), // insert
          change({ b: '2' }, ['a']), // merge
          change({ c: '3' }, [], true), // replace
        ]) {
          counting.count();
          await counting.store.write(key, changes, TTL);
          if (upsertEngine()) expect(counting.count()).toBe(1);
          else expect(counting.count()).toBeGreaterThan(1);
        }
        expect(await backdoor.fields(key)).toEqual({ c: '3' });
      } finally {
        await counting.close();
      }
    });

    it('field names with quotes, backslashes and JSON path syntax are set, merged, deleted and replaced', async () => {
      const half = PATH_SYNTAX_NAMES.filter((_, index) => index % 2 === 0);
      await expectWrites(
        [
          change({ base: '"b"' }),
          change(fieldsOf(PATH_SYNTAX_NAMES, 'first')),
          change(fieldsOf(half, 'second'), ['base']),
          change({ other: '1' }, half),
          change(fieldsOf(PATH_SYNTAX_NAMES.slice(0, 3), 'replaced'), [], true),
          change({}, PATH_SYNTAX_NAMES),
        ],
        upsertEngine(),
      );
    });

    it('field names with NUL and unpaired surrogates are set, merged and deleted, and later merges still work', async () => {
      // Some engines' JSON cannot parse these names: those writes, and merges into a row holding
      // them, take the transactional path.
      await expectWrites(
        [
          change({ base: '"b"' }),
          change(fieldsOf(UNPARSABLE_NAMES, 'first')),
          change({ plain: '2' }, ['base']),
          change({ more: '3' }, UNPARSABLE_NAMES.slice(0, 2)),
          change(fieldsOf(UNPARSABLE_NAMES, 'new'), [], true),
          change({}, UNPARSABLE_NAMES),
        ],
        raw().engine === 'sqlite',
      );
    });

    it('a merge into an expired row that is not reaped yet starts from nothing', async () => {
      const store = await open();
      const key = newKey();
      await store.write(key, change({ old: '1', gone: '2' }), TTL);
      const { quote, query } = raw();
      await query(`update ${quote(table)} set ${quote('expires_at')} = ? where ${quote('session_key')} = ?`, [
        Date.now() - 1000,
        key,
      ]);
      await store.write(key, change({ fresh: '3' }, ['gone']), TTL);
      expect(await backdoor.fields(key)).toEqual({ fresh: '3' });
      expect((await store.read(key))?.fields).toEqual({ fresh: '3' });
      expect(await backdoor.ttlMs(key)).toBeGreaterThan((TTL - 60) * 1000);
    });

    it('a merge into a row whose data is not JSON rejects (each of concurrent ones); a replacing write repairs it', async () => {
      const store = await open();
      const key = newKey();
      await store.write(key, change({ a: '1' }), TTL);
      const { quote, query } = raw();
      await query(`update ${quote(table)} set ${quote('data')} = ? where ${quote('session_key')} = ?`, [
        'not json {',
        key,
      ]);
      const merges = ['b', 'c', 'd'].map((name) => store.write(key, change({ [name]: '2' }), TTL));
      for (const merge of merges) await expect(merge).rejects.toThrow(/not a JSON object of fields/);
      await store.write(key, change({ e: '3' }, [], true), TTL);
      expect((await store.read(key))?.fields).toEqual({ e: '3' });
    });

    it('a destroy is not overtaken by writes of the session submitted before it', async () => {
      const store = await open();
      const key = newKey();
      const writes = [store.write(key, change({ a: '1' }), TTL), store.write(key, change({ b: '2' }), TTL)];
      await store.destroy(key);
      await Promise.all(writes);
      expect(await backdoor.fields(key)).toBeUndefined();
      expect(await store.read(key)).toBeUndefined();
    });

    it("this process's concurrent writes of one session are merged into fewer writes, every change applied", async () => {
      const counting = await countingStore();
      try {
        const key = newKey();
        await counting.store.write(key, change({ keep: '0', drop1: '1', drop2: '2' }), TTL);
        counting.count();
        const writes = Array.from({ length: 20 }, (_, index) =>
          counting.store.write(
            key,
            change({ [`f${index}`]: String(index) }, index < 2 ? [`drop${index + 1}`] : []),
            TTL - index,
          ),
        );
        await Promise.all(writes);
        // The first write goes out at once; the 19 that arrive meanwhile share the next one.
        if (upsertEngine()) expect(counting.count()).toBe(2);
        else expect(counting.count()).toBeLessThanOrEqual(4);
        const expected: SessionFields = { keep: '0' };
        for (let index = 0; index < 20; index++) expected[`f${index}`] = String(index);
        expect(await backdoor.fields(key)).toEqual(expected);
        // The last write's TTL stands.
        const ttlMs = (await backdoor.ttlMs(key)) ?? 0;
        expect(ttlMs).toBeLessThanOrEqual((TTL - 19) * 1000);
        expect(ttlMs).toBeGreaterThan((TTL - 19 - 30) * 1000);
      } finally {
        await counting.close();
      }
    });
  });
}
