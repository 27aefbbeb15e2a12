import { describe, expect, it } from '@jest/globals';
import { type SessionStore, supportsUserSessions, USER_FIELD, userKeyOf } from '@tina4/session-core';
import { newKey } from '@tina4/session-core/testing';
import { dropTables, uniqueTable } from '@tina4/test-servers';
import { change, LONG, type SqlTestContext } from './sql-test-context.js';

/** Column types of the tables the store created before it had a user column. */
const OLD_TYPES = {
  sqlite: ['text', 'text', 'integer'],
  postgres: ['varchar(64)', 'text', 'bigint'],
  mysql: ['varchar(64)', 'longtext', 'bigint'],
  mssql: ['nvarchar(64)', 'nvarchar(max)', 'bigint'],
  firebird: ['varchar(64)', 'blob sub_type text character set utf8', 'bigint'],
} as const;

const bound = (user: string) => JSON.stringify(user);

/**
 * The user column on SQL beyond the compliance suite: `user_key` follows the binding on every
 * write path (the one-statement JSON merge leaves it alone, the transaction sets it), and a table
 * created before the column gets it, with its index, on first use.
 */
export function describeSqlUserSessions(context: SqlTestContext): void {
  const userKeyIn = async (table: string, key: string): Promise<unknown> => {
    const { quote, query } = context.raw();
    const [row] = await query(
      `select ${quote('user_key')} as ${quote('user_key')} from ${quote(table)} where ${quote('session_key')} = ?`,
      [key],
    );
    return row?.user_key;
  };

  describe('the user column', () => {
    it('follows the binding through create, update, move and clear', async () => {
      const store = await context.open();
      const [key, moved] = [newKey(), newKey()];
      const [ann, bob] = ['ann', 'bob'];
      await store.create(key, { [USER_FIELD]: bound(ann), cart: '[]' }, LONG);
      expect(await userKeyIn(context.table, key)).toBe(userKeyOf(ann));
      // A change that leaves the binding alone (the one-statement merge where the engine has it).
      await store.update(key, change({ cart: '[1]' }), LONG);
      expect(await userKeyIn(context.table, key)).toBe(userKeyOf(ann));
      await store.update(key, change({ [USER_FIELD]: bound(bob) }), LONG);
      expect(await userKeyIn(context.table, key)).toBe(userKeyOf(bob));
      await store.move(key, moved, (fields) => ({ ...fields }), LONG);
      expect(await userKeyIn(context.table, moved)).toBe(userKeyOf(bob));
      await store.update(moved, change({}, [USER_FIELD]), LONG);
      expect(await userKeyIn(context.table, moved)).toBeNull();
      await store.update(moved, change({ [USER_FIELD]: bound(ann) }), LONG);
      await store.update(moved, change({ cart: '[]' }, [], true), LONG);
      expect(await userKeyIn(context.table, moved)).toBeNull();
    });

    it('is added, with its index, to a table created before it; the table keeps its sessions', async () => {
      const { quote, query, engine } = context.raw();
      const table = uniqueTable();
      const [key, data, epochMs] = OLD_TYPES[engine];
      const options = engine === 'mysql' ? ' engine=InnoDB default character set utf8mb4' : '';
      await query(
        `create table ${quote(table)} (${quote('session_key')} ${key} not null primary key, ` +
          `${quote('data')} ${data} not null, ${quote('expires_at')} ${epochMs} not null)${options}`,
      );
      await query(
        `create table ${quote(`${table}_lock`)} (${quote('session_key')} ${key} not null primary key, ` +
          `${quote('token')} ${key} not null, ${quote('lease_until')} ${epochMs} not null)${options}`,
      );
      const old = newKey();
      await query(
        `insert into ${quote(table)} (${quote('session_key')}, ${quote('data')}, ${quote('expires_at')}) values (?, ?, ?)`,
        [old, JSON.stringify({ cart: '[7]' }), Date.now() + 600_000],
      );
      const stores: SessionStore[] = [];
      try {
        // Two processes starting at once on the old table: both migrate, one of them wins.
        stores.push(...(await Promise.all([context.open({ table }), context.open({ table })])));
        const [store, other] = stores as [SessionStore, SessionStore];
        expect((await store.read(old))?.fields).toEqual({ cart: '[7]' });
        const fresh = newKey();
        expect(await other.create(fresh, { [USER_FIELD]: bound('carol') }, LONG)).toBe(true);
        expect(await userKeyIn(table, fresh)).toBe(userKeyOf('carol'));
        expect(await userKeyIn(table, old)).toBeNull();
        if (!supportsUserSessions(store)) throw new Error('the SQL store lists users’ sessions');
        expect((await store.listUserSessions(userKeyOf('carol'))).map((record) => record.key)).toEqual([
          fresh,
        ]);
      } finally {
        await Promise.all(stores.map((store) => store.close()));
        await dropTables(context.raw(), table);
      }
    });
  });
}
