import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { CookieJar } from './support/cookie-jar.js';
import { freePort, startServer, stopServer, waitForOutput } from './support/server-process.js';

/**
 * Switching the session backend is configuration only: the same `src/server.ts`, started with
 * `TINA4_SESSION_BACKEND=<name>` and the server's address, must answer the chapter's sequence.
 * Each backend runs when its test server is configured (TINA4_TEST_<NAME>_URL, as `.ci/run` sets it).
 */
const BACKENDS: { name: string; urlVariable: string; env(url: string): Record<string, string> }[] = [
  {
    name: 'redis',
    urlVariable: 'TINA4_TEST_REDIS_URL',
    env: (url) => ({ TINA4_SESSION_URL: url, TINA4_SESSION_PREFIX: `cart-test-${randomUUID()}:` }),
  },
  {
    name: 'valkey',
    urlVariable: 'TINA4_TEST_VALKEY_URL',
    env: (url) => ({ TINA4_SESSION_URL: url, TINA4_SESSION_PREFIX: `cart-test-${randomUUID()}:` }),
  },
  { name: 'mongodb', urlVariable: 'TINA4_TEST_MONGODB_URL', env: (url) => ({ TINA4_SESSION_URL: url }) },
  { name: 'database', urlVariable: 'TINA4_TEST_POSTGRES_URL', env: (url) => ({ DATABASE_URL: url }) },
];

const CHAPTER_CART =
  '{"cart":[{"product_id":1,"name":"Wireless Keyboard","price":79.99,"quantity":2,"line_total":159.98},' +
  '{"product_id":3,"name":"Monitor Stand","price":129.99,"quantity":1,"line_total":129.99}],' +
  '"grand_total":289.97,"item_count":3}';

for (const backend of BACKENDS) {
  const url = process.env[backend.urlVariable];
  if (!url) {
    describe.skip(`TINA4_SESSION_BACKEND=${backend.name} (${backend.urlVariable} is not set)`, () => {
      it('runs the curl sequence', () => {});
    });
    continue;
  }

  describe(`TINA4_SESSION_BACKEND=${backend.name}`, () => {
    it("runs the chapter's curl sequence with no code change", async () => {
      const port = await freePort();
      const server = startServer({
        PORT: String(port),
        TINA4_SESSION_BACKEND: backend.name,
        TINA4_JWT_SECRET: 'backend-test-secret-backend-test-secret',
        ...backend.env(url),
      });
      let exitCode: number | null;
      try {
        await waitForOutput(
          server,
          new RegExp(`listening on http://localhost:${port} \\(sessions: ${backend.name}\\)`),
        );
        const jar = new CookieJar(`http://127.0.0.1:${port}`);
        expect((await jar.postJson('/cart/add', { product_id: 1, quantity: 2 })).status).toBe(201);
        expect((await jar.postJson('/cart/add', { product_id: 3, quantity: 1 })).status).toBe(201);
        expect(await (await jar.fetch('/cart/api')).text()).toBe(CHAPTER_CART);
        expect((await jar.fetch('/cart/clear', { method: 'POST' })).status).toBe(200);
        expect(await (await jar.fetch('/cart/api')).json()).toMatchObject({ item_count: 0 });
      } finally {
        exitCode = await stopServer(server);
      }
      expect(exitCode).toBe(0); // the store closed cleanly on SIGTERM
    }, 30_000);
  });
}
