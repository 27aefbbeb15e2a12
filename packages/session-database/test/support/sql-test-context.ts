import type { SessionChangeSet, SessionFields, SessionStore } from '@tina4/session-core';
import type { StoreBackdoor } from '@tina4/session-core/testing';
import type { RawClient } from '@tina4/test-servers';
import type { KyselyPlugin } from 'kysely';
import type { DatabaseStoreOptions } from '../../src/database-store-options.js';
import { parseDatabaseUrl } from '../../src/database-url.js';
import { createKyselyForUrl } from '../../src/dialects/create-kysely.js';
import { importFromHere } from '../../src/load-driver.js';

/** What the SQL-specific test blocks of one engine share. */
export interface SqlTestContext {
  /** The engine's display name. */
  readonly name: string;
  readonly url: string;
  /** The session table of this run (the lock table adds `_lock`). */
  readonly table: string;
  /** A plain driver connection (opened in `beforeAll`), to look at and tamper with rows. */
  raw(): RawClient;
  readonly backdoor: StoreBackdoor;
  /** A store on the run's table (closed after the run), with reaping off unless asked for. */
  open(options?: Partial<DatabaseStoreOptions>): Promise<SessionStore>;
}

export const TTL = 600;
export const LONG = { ttlSeconds: TTL } as const;

export const change = (set: SessionFields, remove: string[] = [], replace = false): SessionChangeSet => ({
  replace,
  set,
  delete: remove,
});

/** Whether the engine updates with one JSON-merging statement (the others use a transaction). */
export const mergesInOneStatement = (context: SqlTestContext): boolean =>
  ['sqlite', 'postgres', 'mysql'].includes(context.raw().engine);

/** Sets a row's expiry into the past, as if it had expired and not been reaped yet. */
export async function expireRow(context: SqlTestContext, key: string): Promise<void> {
  const { quote, query } = context.raw();
  await query(
    `update ${quote(context.table)} set ${quote('expires_at')} = ? where ${quote('session_key')} = ?`,
    [Date.now() - 1000, key],
  );
}

/** Overwrites a row's data with text that is not JSON, as a hand edit might. */
export async function corruptRow(context: SqlTestContext, key: string): Promise<void> {
  const { quote, query } = context.raw();
  await query(`update ${quote(context.table)} set ${quote('data')} = ? where ${quote('session_key')} = ?`, [
    'not json {',
    key,
  ]);
}

/** A store on its own Kysely instance that counts the statements the store runs. */
export interface CountingStore {
  readonly store: SessionStore;
  /** The statements run since the last call. */
  count(): number;
  close(): Promise<void>;
}

export async function openCountingStore(
  context: SqlTestContext,
  plugins: readonly KyselyPlugin[] = [],
): Promise<CountingStore> {
  let statements = 0;
  const counter: KyselyPlugin = {
    transformQuery: ({ node }) => node,
    transformResult: async ({ result }) => {
      statements++;
      return result;
    },
  };
  const opened = await createKyselyForUrl(parseDatabaseUrl(context.url), {
    load: importFromHere,
    logger: console,
    poolSize: 2,
  });
  let db = opened.db.withPlugin(counter);
  for (const plugin of plugins) db = db.withPlugin(plugin);
  const store = await context.open({ db, engine: context.raw().engine });
  await store.read('0'.repeat(64)); // the tables exist from here on
  statements = 0;
  return {
    store,
    count() {
      const counted = statements;
      statements = 0;
      return counted;
    },
    async close() {
      await store.close();
      await opened.close();
    },
  };
}
