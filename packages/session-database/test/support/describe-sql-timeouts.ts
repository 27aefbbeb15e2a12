import { expect, it } from '@jest/globals';
import { generateSessionId, sessionKeyOf } from '@tina4/session-core';
import { change, LONG, type SqlTestContext } from './sql-test-context.js';

/**
 * The server itself cancels a statement that runs past the store's statement timeout (the core
 * passes `TINA4_SESSION_STORE_TIMEOUT`): here an update that waits for a row another connection
 * keeps locked. PostgreSQL (`statement_timeout`) and MariaDB (`max_statement_time`) only.
 */
export function describeSqlTimeouts(context: SqlTestContext): void {
  if (!/^(postgres|postgresql|mysql|mariadb):/i.test(context.url)) return;
  it('the server cancels a statement that runs longer than the statement timeout', async () => {
    const { engine, query, quote } = context.raw();
    const store = await context.open({ statementTimeoutMs: 500 });
    const key = sessionKeyOf(generateSessionId());
    await store.create(key, { a: '1' }, LONG);
    await query(engine === 'postgres' ? 'begin' : 'start transaction');
    try {
      await query(`select * from ${quote(context.table)} where ${quote('session_key')} = ? for update`, [
        key,
      ]);
      const startedAt = Date.now();
      await expect(store.update(key, change({ b: '2' }), LONG)).rejects.toThrow(
        /statement timeout|max_statement_time|maximum statement execution time|interrupted/i,
      );
      const waited = Date.now() - startedAt;
      console.info(
        `[figures] ${context.name}: a statement held by a row lock was cancelled after ${waited} ms`,
      );
      expect(waited).toBeLessThan(3000);
    } finally {
      await query('rollback');
    }
    expect(await context.backdoor.fields(key)).toEqual({ a: '1' });
  });
}
