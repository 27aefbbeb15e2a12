import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Session, SessionOptions } from '@tina4/session-core';
import { type SessionRequest, sessions } from '@tina4/session-core/express';
import { sessions as fastifySessions } from '@tina4/session-core/fastify';
import { sessions as honoSessions, type SessionEnv } from '@tina4/session-core/hono';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';

/** The four ways an app can mount the sessions: each test runs its checks through every one. */
export const ADAPTERS = ['express', 'node:http', 'fastify', 'hono'] as const;
export type AdapterName = (typeof ADAPTERS)[number];

/** A tiny app listening on a free loopback port. */
export interface TinyApp {
  readonly adapter: AdapterName;
  readonly url: string;
  close(): Promise<void>;
}

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * The routes every tiny app serves, written once against the Session API:
 *
 * - `GET /read`: the session's data (`all()`), without writing;
 * - `POST /write?key=k&value=<json>[&delayMs=n]`: one `set` (a refused one answers 400 with the
 *   error's message), then an optional pause before the answer (and so before the commit);
 * - `POST /bump`: increments `n` and answers the new value (a read-modify-write);
 * - `POST /refuse?kind=<kind>`: tries to store something the library must refuse, and answers
 *   the error's message with a 400 as an app that catches it would;
 * - anything else: 404.
 */
async function route(session: Session, method: string, rawUrl: string): Promise<Answer> {
  const url = new URL(rawUrl, 'http://app.invalid');
  const param = (name: string): string => url.searchParams.get(name) ?? '';
  if (method === 'GET' && url.pathname === '/read') return { status: 200, body: { data: session.all() } };
  if (method === 'POST' && url.pathname === '/write') {
    try {
      session.set(param('key'), JSON.parse(param('value')));
    } catch (error) {
      return { status: 400, body: { error: (error as Error).message, name: (error as Error).name } };
    }
    const delayMs = Number(param('delayMs'));
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    return { status: 200, body: { ok: true } };
  }
  if (method === 'POST' && url.pathname === '/bump') {
    const n = Number(session.get('n', 0)) + 1;
    session.set('n', n);
    return { status: 200, body: { n } };
  }
  if (method === 'POST' && url.pathname === '/refuse') {
    try {
      session.set(param('key') || 'bad', refusedValue(param('kind'), Number(param('bytes') || 0)) as never);
    } catch (error) {
      return { status: 400, body: { error: (error as Error).message, name: (error as Error).name } };
    }
    return { status: 200, body: { ok: true } };
  }
  return { status: 404, body: { error: 'not found' } };
}

/** Values the Session API must refuse: not JSON, or too big for `TINA4_SESSION_MAX_BYTES`. */
function refusedValue(kind: string, bytes: number): unknown {
  switch (kind) {
    case 'date':
      return { when: new Date(0) };
    case 'map':
      return new Map([['a', 1]]);
    case 'set':
      return [1, new Set([2])];
    case 'bigint':
      return { total: 10n };
    case 'function':
      return { f: () => 1 };
    case 'undefined':
      return { missing: undefined };
    case 'nan':
      return Number.NaN;
    case 'class':
      return new (class Basket {
        items = [];
      })();
    case 'cycle': {
      const cycle: Record<string, unknown> = { name: 'loop' };
      cycle.self = cycle;
      return cycle;
    }
    case 'big':
      return 'x'.repeat(bytes);
    default:
      return 'plain';
  }
}

/** Starts a tiny app on `adapter` with these session options. */
export function startTinyApp(adapter: AdapterName, options: SessionOptions): Promise<TinyApp> {
  switch (adapter) {
    case 'express':
      return startExpress(options);
    case 'node:http':
      return startNodeHttp(options);
    case 'fastify':
      return startFastify(options);
    case 'hono':
      return startHono(options);
  }
}

async function startExpress(options: SessionOptions): Promise<TinyApp> {
  const middleware = sessions(options);
  await middleware.ready;
  const app = express();
  app.use(middleware);
  app.use(async (req, res) => {
    const answer = await route(req.session, req.method, req.originalUrl);
    res.status(answer.status).json(answer.body);
  });
  return listen('express', createServer(app), () => middleware.close());
}

async function startNodeHttp(options: SessionOptions): Promise<TinyApp> {
  const middleware = sessions(options);
  await middleware.ready;
  const server = createServer((req, res) => {
    middleware(req, res, (error?: unknown) => {
      if (error) {
        res.writeHead(500).end();
        return;
      }
      void route((req as SessionRequest).session, req.method ?? 'GET', req.url ?? '/').then((answer) => {
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      });
    });
  });
  return listen('node:http', server, () => middleware.close());
}

async function startFastify(options: SessionOptions): Promise<TinyApp> {
  const app = Fastify();
  await app.register(fastifySessions, options);
  app.all('/*', async (request, reply) => {
    const answer = await route(request.session, request.method, request.url);
    return reply.code(answer.status).send(answer.body);
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { adapter: 'fastify', url, close: () => app.close() };
}

async function startHono(options: SessionOptions): Promise<TinyApp> {
  const middleware = honoSessions(options);
  await middleware.ready;
  const app = new Hono<SessionEnv>();
  app.use(middleware);
  app.all('*', async (c) => {
    const answer = await route(c.get('session'), c.req.method, c.req.url);
    return c.json(answer.body as object, answer.status as 200);
  });
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      resolve({
        adapter: 'hono',
        url: `http://127.0.0.1:${info.port}`,
        close: async () => {
          await closeServer(server as Server);
          await middleware.close();
        },
      });
    });
  });
}

/** Listens on a free loopback port; `close` ends open connections too (keep-alive clients). */
export function listen(adapter: AdapterName, server: Server, onClose: () => Promise<void>): Promise<TinyApp> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        adapter,
        url: `http://127.0.0.1:${port}`,
        close: async () => {
          await closeServer(server);
          await onClose();
        },
      });
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
