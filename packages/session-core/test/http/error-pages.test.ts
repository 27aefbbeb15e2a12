import { createServer } from 'node:http';
import { serve } from '@hono/node-server';
import { afterAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { sessions as expressSessions } from '../../src/adapters/express/index.js';
import { sessions as fastifySessions } from '../../src/adapters/fastify/index.js';
import { sessions as honoSessions, type SessionEnv } from '../../src/adapters/hono/index.js';
import { createMemoryStore, type SessionOptions, type SessionStore } from '../../src/index.js';
import { listen, type RunningServer } from '../support/apps/running-server.js';

/** A memory store whose reads fail while `down` is true: a store outage on demand. */
function flakyStore(): { store: SessionStore; setDown(down: boolean): void } {
  const inner = createMemoryStore();
  let down = false;
  const store: SessionStore = {
    ...inner,
    name: 'flaky',
    read: (key, options) =>
      down ? Promise.reject(new Error('connect ECONNREFUSED')) : inner.read(key, options),
    update: (key, changes, options) =>
      down ? Promise.reject(new Error('connect ECONNREFUSED')) : inner.update(key, changes, options),
  };
  return { store, setDown: (value) => (down = value) };
}

const quiet: SessionOptions = {
  envFile: false,
  env: {},
  logger: { warn: () => {}, error: () => {} },
};

/** Logs in, then takes the store down: the next request of the session fails to load it. */
async function failingRequest(url: string, setDown: (down: boolean) => void): Promise<Response> {
  const login = await fetch(`${url}/visit`);
  const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
  setDown(true);
  try {
    return await fetch(`${url}/visit`, { headers: { cookie, accept: 'text/html' } });
  } finally {
    setDown(false);
  }
}

describe("a session failure reaches the framework's error handling", () => {
  const servers: RunningServer[] = [];
  afterAll(() => Promise.all(servers.map((server) => server.close())));

  for (const withHandler of [true, false]) {
    it(`Express ${withHandler ? 'with an error page of its own' : 'without one: the library JSON'}`, async () => {
      const { store, setDown } = flakyStore();
      const app = express();
      app.use(expressSessions({ ...quiet, store }));
      app.get('/visit', (req, res) => {
        req.session.set('n', 1);
        res.send('ok');
      });
      if (withHandler) {
        app.use(
          (
            error: { status?: number; code?: string },
            _req: express.Request,
            res: express.Response,
            _next: express.NextFunction,
          ) => {
            res
              .status(error.status ?? 500)
              .type('html')
              .send(`<h1>Try again shortly</h1><p>${error.code}</p>`);
          },
        );
      }
      const server = await listen(createServer(app), async () => store.close());
      servers.push(server);
      const response = await failingRequest(server.url, setDown);
      expect(response.status).toBe(503);
      if (withHandler) {
        expect(await response.text()).toBe('<h1>Try again shortly</h1><p>E_SESSION_STORE_UNAVAILABLE</p>');
      } else {
        expect(response.headers.get('retry-after')).toBe('1');
        expect(await response.json()).toEqual({
          error: 'The session store is unavailable. Please retry shortly.',
          code: 'E_SESSION_STORE_UNAVAILABLE',
        });
      }
    });
  }

  it("Fastify: the app's error handler gets status 503, Retry-After and the code", async () => {
    const { store, setDown } = flakyStore();
    const app = Fastify();
    await app.register(fastifySessions, { ...quiet, store });
    app.setErrorHandler(
      (error: { statusCode?: number; code?: string; headers?: Record<string, string> }, _request, reply) =>
        reply
          .code(error.statusCode ?? 500)
          .headers(error.headers ?? {})
          .type('text/html')
          .send(`<h1>Busy</h1>${error.code}`),
    );
    app.get('/visit', async (request) => {
      request.session.set('n', 1);
      return 'ok';
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    servers.push({ url, close: () => app.close() });
    const response = await failingRequest(url, setDown);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.text()).toBe('<h1>Busy</h1>E_SESSION_STORE_UNAVAILABLE');
  });

  for (const withHandler of [true, false]) {
    it(`Hono ${withHandler ? "with onError: the HTTPException's cause carries the code" : 'without onError: the library JSON'}`, async () => {
      const { store, setDown } = flakyStore();
      const app = new Hono<SessionEnv>();
      app.use(honoSessions({ ...quiet, store }));
      app.get('/visit', (c) => {
        c.get('session').set('n', 1);
        return c.text('ok');
      });
      if (withHandler) {
        app.onError((error, c) => {
          const cause = (error as { cause?: { code?: string; status?: number } }).cause;
          return c.html(`<h1>Busy</h1>${cause?.code}`, (cause?.status ?? 500) as 503);
        });
      }
      const url = await new Promise<string>((resolve) => {
        const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
          servers.push({
            url: '',
            close: async () => {
              (server as unknown as { closeAllConnections(): void }).closeAllConnections();
              await new Promise<void>((done) => server.close(() => done()));
              await store.close();
            },
          });
          resolve(`http://127.0.0.1:${info.port}`);
        });
      });
      const response = await failingRequest(url, setDown);
      expect(response.status).toBe(503);
      if (withHandler) expect(await response.text()).toBe('<h1>Busy</h1>E_SESSION_STORE_UNAVAILABLE');
      else expect(await response.json()).toMatchObject({ code: 'E_SESSION_STORE_UNAVAILABLE' });
    });
  }
});
