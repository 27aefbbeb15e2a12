import { randomBytes } from 'node:crypto';
import type { StoreBackdoor } from '@tina4/session-core/testing';
import type { RawClient } from './sql-raw-client.js';

/** A table name of its own for each test run, so runs on a shared server never meet. */
export function uniqueTable(): string {
  return `t4s_${randomBytes(5).toString('hex')}`;
}

/** The compliance suite's view of the store's tables, through a plain driver connection. */
export function createSqlBackdoor(client: () => RawClient, table: string): StoreBackdoor {
  const row = async (key: string): Promise<Record<string, unknown> | undefined> => {
    const { quote, query } = client();
    const rows = await query(
      `select ${quote('data')}, ${quote('expires_at')} from ${quote(table)} where ${quote('session_key')} = ?`,
      [key],
    );
    return rows[0];
  };
  return {
    async fields(key) {
      const found = await row(key);
      return found && (JSON.parse(String(found.data)) as Record<string, string>);
    },
    async ttlMs(key) {
      const found = await row(key);
      return found && Number(found.expires_at) - Date.now();
    },
    async dump() {
      const { quote, query } = client();
      const sessions = await query(`select * from ${quote(table)}`);
      const locks = await query(`select * from ${quote(`${table}_lock`)}`).catch(() => []);
      return JSON.stringify({ sessions, locks });
    },
  };
}

/** Drops the tables a run created; best effort (another connection may still hold them open). */
export async function dropTables(client: RawClient, table: string): Promise<void> {
  for (const name of [table, `${table}_lock`]) {
    await client.query(`drop table ${client.quote(name)}`).catch((error: Error) => {
      console.warn(`Could not drop the test table ${name}: ${error.message}`);
    });
  }
}
