import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { CookieJar, freePort, waitForOutput } from '@tina4/test-http';
import { startServer, stopServer } from './support/server-process.js';

/**
 * Switching the session backend is configuration only: the same `src/server.ts`, started with
 * `TINA4_SESSION_BACKEND=<name>` and the server's address, must answer the chapter's sequence.
 * Each backend runs when its test server is configured (TINA4_TEST_<NAME>_URL, as `.ci/run` sets it).
 */
interface Backend {
  /** What the test is called. */
  title: string;
  /** The value of TINA4_SESSION_BACKEND. */
  name: string;
  /** The server's address, or why the test cannot run here. */
  url(): string | { skip: string };
  env(url: string): Record<string, string>;
}

const fromVariable = (variable: string) => (): string | { skip: string } =>
  process.env[variable] ?? { skip: `${variable} is not set` };

const BACKENDS: Backend[] = [
  {
    title: 'redis',
    name: 'redis',
    url: fromVariable('TINA4_TEST_REDIS_URL'),
    env: (url) => ({ TINA4_SESSION_URL: url, TINA4_SESSION_PREFIX: `cart-test-${randomUUID()}:` }),
  },
  {
    title: 'valkey',
    name: 'valkey',
    url: fromVariable('TINA4_TEST_VALKEY_URL'),
    env: (url) => ({ TINA4_SESSION_URL: url, TINA4_SESSION_PREFIX: `cart-test-${randomUUID()}:` }),
  },
  {
    title: 'mongodb',
    name: 'mongodb',
    url: fromVariable('TINA4_TEST_MONGODB_URL'),
    // A database of the test's own (CI's server is the jongodb stand-in, which cannot drop it: it
    // holds only this run's few sessions and goes with the server).
    env: (url) => ({
      TINA4_SESSION_URL: url,
      TINA4_SESSION_DATABASE: `cart_test_${randomUUID().slice(0, 8)}`,
    }),
  },
  {
    title: 'database with DATABASE_URL=postgres://…',
    name: 'database',
    url: fromVariable('TINA4_TEST_POSTGRES_URL'),
    env: (url) => ({ DATABASE_URL: url }),
  },
  {
    // SQLite needs no server: a database file of the test's own.
    title: 'database with DATABASE_URL=sqlite:///…',
    name: 'database',
    url: () => `sqlite:///${join(mkdtempSync(join(tmpdir(), 'cart-sqlite-')), 'sessions.db')}`,
    env: (url) => ({ DATABASE_URL: url }),
  },
];

const CHAPTER_CART =
  '{"cart":[{"product_id":1,"name":"Wireless Keyboard","price":79.99,"quantity":2,"line_total":159.98},' +
  '{"product_id":3,"name":"Monitor Stand","price":129.99,"quantity":1,"line_total":129.99}],' +
  '"grand_total":289.97,"item_count":3}';

for (const backend of BACKENDS) {
  const url = backend.url();
  if (typeof url !== 'string') {
    describe.skip(`TINA4_SESSION_BACKEND=${backend.title} (${url.skip})`, () => {
      it('runs the curl sequence', () => {});
    });
    continue;
  }

  describe(`TINA4_SESSION_BACKEND=${backend.title}`, () => {
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
