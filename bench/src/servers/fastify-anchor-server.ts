/**
 * Fastify with `@fastify/session` (+ `@fastify/cookie`) and an ecosystem store, set up as its README
 * recommends: `node --import tsx src/servers/fastify-anchor-server.ts <variant>`.
 */
import fastifyCookie from '@fastify/cookie';
import fastifySession from '@fastify/session';
import Fastify, { type FastifyRequest } from 'fastify';
import { LARGE_INIT_PATH, LARGE_SESSION, largeSessionEntries } from '../routes.js';
import { createAnchorStore } from './anchor-store.js';
import { LOCAL_IO_ROUTE, type ServerContext, type StartedServer, serve } from './bench-server.js';

declare module 'fastify' {
  interface Session {
    count?: number;
    /** The large session's filler keys. */
    [key: string]: unknown;
  }
}

/** Same lifetime as Tina4's default TTL (1 hour), so that every store keeps records as long. */
const MAX_AGE_MS = 3_600_000;

async function start({ variant, endpoints, localIo }: ServerContext): Promise<StartedServer> {
  const app = Fastify();
  if (localIo()) app.get(LOCAL_IO_ROUTE, async () => localIo());

  const anchor = await createAnchorStore(variant, endpoints);
  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    secret: 'a benchmark secret that is at least 32 characters long',
    ...(anchor.store && { store: anchor.store }),
    cookie: { secure: false, maxAge: MAX_AGE_MS },
    saveUninitialized: false,
    ...(variant.rolling !== undefined && { rolling: variant.rolling }),
  });
  app.get('/read', async (request) => ({ count: request.session.get('count') ?? 0 }));
  const increment = async (request: FastifyRequest) => {
    const count = (request.session.get('count') ?? 0) + 1;
    request.session.set('count', count);
    return { count };
  };
  app.post('/write', increment);
  app.post(LARGE_INIT_PATH, async (request) => {
    for (const [key, value] of largeSessionEntries()) request.session.set(key, value);
    return { keys: LARGE_SESSION.keys };
  });
  app.get('/large/read', async (request) => ({
    count: request.session.get('count') ?? 0,
    filler: String(request.session.get(LARGE_SESSION.lastKey) ?? '').length,
  }));
  app.post('/large/write', increment);
  app.get('/nocookie', async () => ({ ok: true }));

  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    port: address.port,
    close: async () => {
      await app.close();
      await anchor.close();
    },
  };
}

await serve('fastify', ['anchor'], start);
