import { describe, expect, it } from '@jest/globals';
import { SessionBackendNotInstalledError } from '@tina4/session-core';
import { createDatabaseStore } from '../src/database-store.js';
import { type ImportModule, installCommandFor, loadDriver } from '../src/driver-loader.js';

// A real import of a package that is not installed: Node (through Jest) fails to resolve it,
// exactly as it would fail for `pg` in an app that never installed it.
const asIfNotInstalled: ImportModule = (name) => import(`${name}-not-installed-for-tina4-tests`);

describe('driver loading', () => {
  it.each([
    ['sqlite', 'better-sqlite3', 'npm install @tina4/session-database better-sqlite3'],
    ['postgres', 'pg', 'npm install @tina4/session-database pg'],
    ['mysql', 'mysql2', 'npm install @tina4/session-database mysql2'],
    ['mssql', 'tedious', 'npm install @tina4/session-database tedious tarn'],
    ['firebird', 'node-firebird', 'npm install @tina4/session-database node-firebird'],
  ] as const)('a missing %s driver (%s) names the install command', async (engine, driver, command) => {
    expect(installCommandFor(engine)).toBe(command);
    const error = await loadDriver(engine, driver, asIfNotInstalled).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SessionBackendNotInstalledError);
    expect(error).toMatchObject({
      code: 'E_SESSION_BACKEND_NOT_INSTALLED',
      backend: 'database',
      installCommand: command,
    });
    expect((error as Error).message).toContain(`Run: ${command}`);
  });

  it('the store reports it for the engine of its URL, without the password', async () => {
    const error = await createDatabaseStore({
      url: 'firebird://SYSDBA:not-for-logs@db:3050//data/app.fdb',
      importModule: asIfNotInstalled,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SessionBackendNotInstalledError);
    expect((error as Error).message).toContain('npm install @tina4/session-database node-firebird');
    expect((error as Error).message).not.toContain('not-for-logs');
  });

  it('any other import failure keeps its own error', async () => {
    const broken = new SyntaxError('Unexpected token in driver');
    await expect(loadDriver('postgres', 'pg', () => Promise.reject(broken))).rejects.toBe(broken);
  });

  it('an installed CommonJS driver arrives as its module.exports', async () => {
    const Database = await loadDriver<new (file: string) => { close(): void }>('sqlite', 'better-sqlite3');
    expect(typeof Database).toBe('function');
    new Database(':memory:').close();
  });
});
