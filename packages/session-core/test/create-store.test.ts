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
    writeFileSync(
      join(packageDir, 'index.js'),
      "export function createStoreFromConfig(config) { return { name: 'from-app:' + config.backend }; }\n",
    );
    process.chdir(other);
    try {
      const store = await createStore(config({ TINA4_SESSION_BACKEND: 'valkey' }));
      expect(store.name).toBe('from-app:valkey');
    } finally {
      process.chdir(cwd);
      rmSync(other, { recursive: true, force: true });
    }
  });
});
