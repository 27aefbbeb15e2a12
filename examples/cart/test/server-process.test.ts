import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CookieJar, freePort, waitForOutput } from '@tina4/test-http';
import { type Started, startServer, stopServer } from './support/server-process.js';

describe('src/server.ts as a process', () => {
  let sessionDir: string;
  let server: Started;
  let baseUrl: string;

  beforeAll(async () => {
    sessionDir = await mkdtemp(join(tmpdir(), 'cart-server-sessions-'));
    const port = await freePort();
    server = startServer({
      PORT: String(port),
      NODE_ENV: 'development',
      TINA4_SESSION_BACKEND: 'file',
      TINA4_SESSION_PATH: sessionDir,
      CART_DATA_DIR: `${sessionDir}-data`,
      TINA4_JWT_SECRET: '',
    });
    const [, url] = await waitForOutput(server, /listening on (http:\/\/localhost:\d+)/);
    baseUrl = url!;
    expect(baseUrl).toBe(`http://localhost:${port}`);
  }, 30_000);

  afterAll(async () => {
    if (server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    await rm(sessionDir, { recursive: true, force: true });
    await rm(`${sessionDir}-data`, { recursive: true, force: true });
  });

  it("answers the chapter's curl sequence with file sessions", async () => {
    const jar = new CookieJar(baseUrl);
    expect((await jar.postJson('/cart/add', { product_id: 1, quantity: 2 })).status).toBe(201);
    expect((await jar.postJson('/cart/add', { product_id: 3, quantity: 1 })).status).toBe(201);
    expect(await (await jar.fetch('/cart/api')).text()).toBe(
      '{"cart":[{"product_id":1,"name":"Wireless Keyboard","price":79.99,"quantity":2,"line_total":159.98},' +
        '{"product_id":3,"name":"Monitor Stand","price":129.99,"quantity":1,"line_total":129.99}],' +
        '"grand_total":289.97,"item_count":3}',
    );
    expect((await jar.postJson('/cart/update', { product_id: 1, quantity: 3 })).status).toBe(200);
    expect((await jar.postJson('/cart/remove', { product_id: 3 })).status).toBe(200);
    expect(await (await jar.fetch('/cart/clear', { method: 'POST' })).json()).toMatchObject({
      message: 'Cart cleared',
    });

    // The session is a file in TINA4_SESSION_PATH, named by a hash of the id, never the id itself.
    const files = await readdir(sessionDir);
    expect(files.length).toBeGreaterThan(0);
    expect(files.join(' ')).not.toContain(jar.cookie('tina4_session'));
  });

  it('warns that the development JWT secret is generated', () => {
    expect(server.output()).toContain('TINA4_JWT_SECRET is not set: using a random secret');
  });

  it('shuts down cleanly on SIGTERM', async () => {
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('Stopped: the session store is closed.');
  });
});

describe('stopping with SIGINT', () => {
  it('closes the store, says so, and exits with code 0', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cart-sigint-'));
    const server = startServer({
      PORT: String(await freePort()),
      TINA4_SESSION_BACKEND: 'file',
      TINA4_SESSION_PATH: join(dataDir, 'sessions'),
      CART_DATA_DIR: dataDir,
      TINA4_JWT_SECRET: 'x'.repeat(40),
    });
    try {
      await waitForOutput(server, /listening on/);
      server.child.kill('SIGINT');
      expect(await server.exited).toBe(0);
      expect(server.output()).toContain('Stopped: the session store is closed.');
    } finally {
      await stopServer(server);
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('src/server.ts refusing to start', () => {
  it('in production without TINA4_JWT_SECRET', async () => {
    const server = startServer({
      PORT: '0',
      NODE_ENV: 'production',
      TINA4_JWT_SECRET: '',
      TINA4_SESSION_BACKEND: 'memory',
    });
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain('TINA4_JWT_SECRET is not set');
  }, 30_000);

  it('with an invalid session setting', async () => {
    const server = startServer({ PORT: '0', TINA4_SESSION_BACKEND: 'floppy' });
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/Cannot start the cart example: .*TINA4_SESSION_BACKEND/);
  }, 30_000);
});

describe('configuration from .env', () => {
  it('reads .env in the working directory, and the environment overrides it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cart-dotenv-'));
    const envPort = await freePort();
    await writeFile(
      join(dir, '.env'),
      [
        'PORT=1',
        'TINA4_SESSION_BACKEND=memory',
        'TINA4_SESSION_TTL=120',
        `TINA4_JWT_SECRET=${'s'.repeat(40)}`,
      ].join('\n'),
    );
    const server = startServer({ PORT: String(envPort) }, dir);
    try {
      const [, url] = await waitForOutput(
        server,
        /listening on (http:\/\/localhost:\d+) \(sessions: memory\)/,
      );
      expect(url).toBe(`http://localhost:${envPort}`); // PORT from the environment, not the .env's 1
      expect(server.output()).not.toContain('TINA4_JWT_SECRET is not set'); // the secret from .env
      const response = await new CookieJar(url!).fetch('/visit-counter');
      expect(response.headers.get('set-cookie')).toMatch(/Max-Age=120\b/); // the TTL from .env
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
