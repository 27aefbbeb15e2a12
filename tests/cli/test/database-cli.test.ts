import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type SessionStore, supportsUserSessions } from '@tina4/session-core';
import { createDatabaseStore } from '@tina4/session-database';
import { dropTables, openRawClient, type RawClient, uniqueTable } from '@tina4/test-servers';
import { onTestBackend } from './support/on-test-backend.js';
import { type CliApp, createCliApp } from './support/session-cli.js';
import { expireRows, insertExpiredRows, rowCount, statementsOf } from './support/sql-rows.js';
import { type StartedSessions, startSessions } from './support/start-sessions.js';

/** More than one of the purge's DELETE batches (1000 rows). */
const MANY_EXPIRED = 1200;

/**
 * The command on one SQL engine, end to end: the tables created from `ddl`'s output (not by the
 * store), sessions started through the public API, then `stats`, `purge` and `revoke` run as child
 * processes and checked through a plain driver connection.
 */
function describeDatabaseCli(label: string, url: string): void {
  describe(`tina4-session on ${label}`, () => {
    const app: CliApp = createCliApp();
    const table = uniqueTable();
    const env = { TINA4_SESSION_BACKEND: 'database', DATABASE_URL: url, TINA4_SESSION_TABLE: table };
    let raw: RawClient;
    let store: SessionStore | undefined;
    let live: StartedSessions;

    beforeAll(async () => {
      raw = await openRawClient(url);
    });
    afterAll(async () => {
      await store?.close();
      await dropTables(raw, table);
      await raw.close();
      app.remove();
    });

    it('prints DDL that creates the tables the store then works on', async () => {
      const ddl = await app.run(['ddl'], env);
      expect(ddl.code).toBe(0);
      for (const statement of statementsOf(ddl.stdout)) await raw.query(statement);
      // The store finds both tables and runs no DDL of its own: every write below uses ours.
      store = await createDatabaseStore({ url, table, reapIntervalMs: 0 });
      live = await startSessions(store, 3);
      const expired = await startSessions(store, 2);
      await expireRows(raw, table, expired.keys);
      for (const key of live.keys) expect(await store.read(key)).toBeDefined();
    });

    it('counts live sessions and expired rows not yet removed', async () => {
      const { code, stdout } = await app.run(['stats', '--json'], env);
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({ store: 'database', live: 3, expired: 2 });
      expect(JSON.parse(stdout).location).toContain(`table ${table}`);
    });

    it('purges every expired row in batches, and expired locks, leaving live sessions', async () => {
      await insertExpiredRows(raw, table, MANY_EXPIRED);
      const lockKey = 'f'.repeat(64);
      await raw.query(
        `insert into ${raw.quote(`${table}_lock`)} (${raw.quote('session_key')}, ${raw.quote('token')}, ${raw.quote('lease_until')}) values (?, ?, ?)`,
        [lockKey, 'a'.repeat(64), Date.now() - 60_000],
      );

      const { code, stdout } = await app.run(['purge'], env);
      expect(code).toBe(0);
      expect(stdout).toMatch(
        new RegExp(
          `^Removed ${MANY_EXPIRED + 2} expired sessions from database \\(.*table ${table}\\)\\.\\n$`,
        ),
      );
      expect(await rowCount(raw, table)).toBe(3);
      expect(await rowCount(raw, `${table}_lock`)).toBe(0);
      for (const key of live.keys) expect(await store!.read(key)).toBeDefined();
    });

    it("ends one user's sessions, or says clearly that this store cannot", async () => {
      const alice = await startSessions(store!, 2, 'alice');
      const bob = await startSessions(store!, 1, 'bob');
      const { code, stdout, stderr } = await app.run(['revoke', '--user', 'alice'], env);
      if (!supportsUserSessions(store!)) {
        expect(code).toBe(1);
        expect(stderr).toContain("cannot list or end a user's sessions");
        return;
      }
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toBe('Ended 2 sessions of user alice.\n');
      for (const key of alice.keys) expect(await store!.read(key)).toBeUndefined();
      for (const key of [...bob.keys, ...live.keys]) expect(await store!.read(key)).toBeDefined();
    });
  });
}

const sqliteDirectory = mkdtempSync(join(tmpdir(), 'tina4-session-cli-sqlite-'));
describeDatabaseCli('SQLite', `sqlite:///${join(sqliteDirectory, 'sessions.db')}`);
afterAll(() => rmSync(sqliteDirectory, { recursive: true, force: true }));

await onTestBackend('postgres', 'PostgreSQL', (url) => describeDatabaseCli('PostgreSQL', url));
await onTestBackend('mariadb', 'MariaDB', (url) => describeDatabaseCli('MariaDB', url));
await onTestBackend('firebird', 'Firebird', (url) => describeDatabaseCli('Firebird', url));
await onTestBackend('mssql', 'SQL Server', (url) => describeDatabaseCli('SQL Server', url));
