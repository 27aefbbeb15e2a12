import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { type ImportModule, isSessionError, sessionErrorCode } from '@tina4/session-core';
import { createDatabaseStore } from '../src/database-store.js';
import { ENGINE_DRIVERS, installCommandFor, loadDriver } from '../src/load-driver.js';

// A real resolution from a directory where nothing is installed: Node fails exactly as it would for
// `pg` in an app that never installed it.
const nowhere = mkdtempSync(join(tmpdir(), 'tina4-no-drivers-'));
afterAll(() => rmSync(nowhere, { recursive: true, force: true }));
const asIfNotInstalled: ImportModule = async (specifier) =>
  createRequire(join(nowhere, 'index.js'))(specifier);

describe('driver loading', () => {
  it.each([
    ['sqlite', 'better-sqlite3', 'npm install @tina4/session-database better-sqlite3'],
    ['postgres', 'pg', 'npm install @tina4/session-database pg'],
    ['mysql', 'mysql2', 'npm install @tina4/session-database mysql2'],
    ['mssql', 'tedious', 'npm install @tina4/session-database tedious tarn'],
    ['mssql', 'tarn', 'npm install @tina4/session-database tedious tarn'],
    ['firebird', 'node-firebird', 'npm install @tina4/session-database node-firebird'],
  ] as const)('a missing %s driver (%s) names the install command', async (engine, driver, command) => {
    expect(installCommandFor(engine)).toBe(command);
    expect(ENGINE_DRIVERS[engine]).toContain(driver);
    const error = await loadDriver(engine, driver, asIfNotInstalled).catch((caught: unknown) => caught);
    expect(sessionErrorCode(error)).toBe('E_SESSION_BACKEND_NOT_INSTALLED');
    expect(error).toMatchObject({ backend: 'database', installCommand: command });
    expect((error as Error).message).toContain(`Run: ${command}`);
  });

  it('the store reports it for the engine of its URL, without the password', async () => {
    const error = await createDatabaseStore({
      url: 'firebird://SYSDBA:not-for-logs@db:3050//data/app.fdb',
      importModule: asIfNotInstalled,
    }).catch((caught: unknown) => caught);
    expect(isSessionError(error, 'E_SESSION_BACKEND_NOT_INSTALLED')).toBe(true);
    expect((error as Error).message).toContain('npm install @tina4/session-database node-firebird');
    expect((error as Error).message).not.toContain('not-for-logs');
  });

  it('any other import failure keeps its own error', async () => {
    const broken = new SyntaxError('Unexpected token in driver');
    await expect(loadDriver('postgres', 'pg', () => Promise.reject(broken))).rejects.toBe(broken);
  });

  it('an installed CommonJS driver arrives as its module.exports, imported from this package', async () => {
    const Database = await loadDriver<new (file: string) => { close(): void }>('sqlite', 'better-sqlite3');
    expect(typeof Database).toBe('function');
    new Database(':memory:').close();
  });
});
