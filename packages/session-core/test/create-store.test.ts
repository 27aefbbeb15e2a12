import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { createStore, resolveSessionConfig } from '../src/index.js';

const config = (env: Record<string, string>) => resolveSessionConfig({ envFile: false, env });

describe('createStore', () => {
  const app = mkdtempSync(join(tmpdir(), 'tina4-app-'));
  const cwd = process.cwd();
  afterAll(() => {
    process.chdir(cwd);
    rmSync(app, { recursive: true, force: true });
  });

  it('gives the exact install command when a backend package is missing', async () => {
    process.chdir(app);
    try {
      await expect(createStore(config({ TINA4_SESSION_BACKEND: 'redis' }))).rejects.toMatchObject({
        code: 'E_SESSION_BACKEND_NOT_INSTALLED',
        message: expect.stringContaining('Run: npm install @tina4/session-redis ioredis'),
      });
      await expect(
        createStore(config({ TINA4_SESSION_BACKEND: 'database', DATABASE_URL: 'postgres://u:p@h/db' })),
      ).rejects.toThrow('npm install @tina4/session-database pg');
      await expect(createStore(config({ TINA4_SESSION_BACKEND: 'database' }))).rejects.toThrow(
        /npm install @tina4\/session-database <the driver of your database: better-sqlite3, pg/,
      );
    } finally {
      process.chdir(cwd);
    }
  });

  it("finds a backend package installed beside the app, where the core's own location cannot see it", async () => {
    // A directory of its own: resolvers cache what they found missing in the first test's app.
    const other = mkdtempSync(join(tmpdir(), 'tina4-app-'));
    const packageDir = join(other, 'node_modules', '@tina4', 'session-valkey');
    mkdirSync(packageDir, { recursive: true });
    writeFileSync(
      join(packageDir, 'package.json'),
      JSON.stringify({ name: '@tina4/session-valkey', type: 'module', exports: './index.js' }),
    );
    writeFileSync(join(packageDir, 'index.js'), storePackageSource(OPERATIONS));
    process.chdir(other);
    try {
      const store = await createStore(config({ TINA4_SESSION_BACKEND: 'valkey' }));
      expect(store.name).toBe('from-app:valkey');
    } finally {
      process.chdir(cwd);
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('refuses at start-up a store package written for an older contract, and says to align versions', async () => {
    const other = mkdtempSync(join(tmpdir(), 'tina4-app-'));
    const packageDir = join(other, 'node_modules', '@tina4', 'session-mongodb');
    mkdirSync(packageDir, { recursive: true });
    writeFileSync(
      join(packageDir, 'package.json'),
      JSON.stringify({ name: '@tina4/session-mongodb', type: 'module', exports: './index.js' }),
    );
    // An older store: `write` where the contract now has create/update/move.
    writeFileSync(
      join(packageDir, 'index.js'),
      storePackageSource(['read', 'write', 'touch', 'destroy', 'close']),
    );
    process.chdir(other);
    try {
      await expect(createStore(config({ TINA4_SESSION_BACKEND: 'mongodb' }))).rejects.toMatchObject({
        code: 'E_SESSION_CONFIG',
        message: expect.stringMatching(
          /The store of @tina4\/session-mongodb does not implement the session store contract .*\(missing: create, update, move\)\. Install the same version of @tina4\/session-mongodb as of @tina4\/session-core/,
        ),
      });
    } finally {
      process.chdir(cwd);
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('refuses a `store` option that is not a complete store', async () => {
    const incomplete = { name: 'mine', read: async () => undefined, close: async () => {} };
    await expect(
      createStore(resolveSessionConfig({ envFile: false, env: {}, store: incomplete as never })),
    ).rejects.toThrow(
      'The `store` option does not implement the session store contract of this @tina4/session-core (missing: create, update, move, touch, destroy)',
    );
  });
});

const OPERATIONS = ['read', 'create', 'update', 'move', 'touch', 'destroy', 'close'];

/** A store package whose store has the given operations (each a no-op). */
function storePackageSource(operations: readonly string[]): string {
  const methods = operations.map((name) => `${name}: async () => undefined`).join(', ');
  return `export function createStoreFromConfig(config) { return { name: 'from-app:' + config.backend, ${methods} }; }\n`;
}
