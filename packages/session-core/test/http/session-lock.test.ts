import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { startExpressApp } from '../support/apps/express-app.js';
import { startFastifyApp } from '../support/apps/fastify-app.js';
import { startHonoApp } from '../support/apps/hono-app.js';
import { CookieJar } from '../support/cookie-jar.js';

describe('TINA4_SESSION_LOCK through the adapters (file store)', () => {
  const root = mkdtempSync(join(tmpdir(), 'tina4-lock-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  let instance = 0;
  const options = (lockWait: number) => ({
    backend: 'file' as const,
    path: join(root, `sessions-${lockWait}-${instance++}`),
    lock: true,
    lockWait,
    envFile: false as const,
    env: {},
  });

  it.each([
    ['express', startExpressApp],
    ['fastify', startFastifyApp],
    ['hono', startHonoApp],
  ])(
    'runs parallel requests of one session one after another through %s: no increment is lost',
    async (_name, start) => {
      const app = await start(options(10_000));
      try {
        const jar = new CookieJar();
        await jar.fetch(`${app.url}/visit-counter`);
        const responses = await Promise.all(
          Array.from({ length: 30 }, () =>
            jar.fetch(`${app.url}/visit-counter`).then((response) => response.json()),
          ),
        );
        const counts = (responses as { visit_count: number }[])
          .map((body) => body.visit_count)
          .sort((a, b) => a - b);
        expect(counts).toEqual(Array.from({ length: 30 }, (_, index) => index + 2));
      } finally {
        await app.close();
      }
    },
  );

  it('answers 503 with E_SESSION_LOCK_TIMEOUT when the lock is not free within the wait', async () => {
    const app = await startExpressApp(options(50));
    try {
      const jar = new CookieJar();
      await jar.fetch(`${app.url}/visit-counter`);
      const slow = jar.fetch(`${app.url}/slow`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const blocked = await jar.fetch(`${app.url}/visit-counter`);
      expect(blocked.status).toBe(503);
      expect(await blocked.json()).toMatchObject({ code: 'E_SESSION_LOCK_TIMEOUT' });
      expect((await slow).status).toBe(200);
      const after = await jar.fetch(`${app.url}/visit-counter`);
      expect(await after.json()).toMatchObject({ visit_count: 2 });
    } finally {
      await app.close();
    }
  });
});
