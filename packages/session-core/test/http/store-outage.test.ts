import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startExpressApp } from '../support/apps/express-app.js';
import type { RunningServer } from '../support/apps/running-server.js';
import { CookieJar } from '../support/cookie-jar.js';

/**
 * A real file store whose directory disappears (a file takes its place, so every operation fails
 * with ENOTDIR) and comes back: requests get clear 503s meanwhile, the outage is logged once, and
 * the same app serves the untouched session afterwards.
 */
describe('a store outage through the Express adapter', () => {
  const root = mkdtempSync(join(tmpdir(), 'tina4-outage-'));
  const directory = join(root, 'sessions');
  const logged: string[] = [];
  const logger = {
    warn: (line: string) => logged.push(`warn ${line}`),
    error: (line: string) => logged.push(`error ${line}`),
  };
  let app: RunningServer;

  beforeAll(async () => {
    app = await startExpressApp({ backend: 'file', path: directory, envFile: false, env: {}, logger });
  });
  afterAll(async () => {
    await app.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers 503 while the store fails, logs it once, and recovers without a restart', async () => {
    const jar = new CookieJar();
    await jar.fetch(`${app.url}/visit-counter`);
    await jar.fetch(`${app.url}/visit-counter`);

    renameSync(directory, `${directory}.away`);
    writeFileSync(directory, 'not a directory');
    try {
      for (let attempt = 0; attempt < 5; attempt++) {
        const failed = await jar.fetch(`${app.url}/visit-counter`);
        expect(failed.status).toBe(503);
        expect(failed.headers.get('retry-after')).toBe('1');
        // The app's own error page got the failure (see express-app.ts), with the status and headers.
        expect(await failed.json()).toEqual({
          error: 'The session store is unavailable. Please retry shortly.',
          code: 'E_SESSION_STORE_UNAVAILABLE',
          page: 'the app error page',
        });
      }
      // A visitor without a session cookie causes no store I/O and is served.
      expect((await fetch(`${app.url}/untouched`)).status).toBe(200);
      // A new session fails when it is committed, before any header went out.
      const fresh = await fetch(`${app.url}/visit-counter`);
      expect(fresh.status).toBe(503);
      expect(fresh.headers.getSetCookie()).toEqual([]);
    } finally {
      rmSync(directory);
      renameSync(`${directory}.away`, directory);
      mkdirSync(directory, { recursive: true });
    }

    const recovered = await jar.fetch(`${app.url}/visit-counter`);
    expect(recovered.status).toBe(200);
    expect((await recovered.json()) as unknown).toMatchObject({ visit_count: 3 });

    const errors = logged.filter((line) => line.startsWith('error'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/store "file" \(.*sessions\) failed to read a session: .*ENOTDIR/);
    expect(
      logged.filter((line) => line.startsWith('warn') && /store "file" \(.*\) is answering again/.test(line)),
    ).toHaveLength(1);
  });
});
