/**
 * Fastify without sessions (the ceiling) and with Tina4 Sessions:
 * `node --import tsx src/servers/fastify-server.ts <variant>`.
 */
import { sessions } from '@tina4/session-core/fastify';
import Fastify, { type FastifyRequest } from 'fastify';
import { LARGE_INIT_PATH, LARGE_SESSION, largeSessionEntries } from '../routes.js';
import { LOCAL_IO_ROUTE, type ServerContext, type StartedServer, serve } from './bench-server.js';
import { tina4SessionOptions } from './tina4-options.js';

async function start({ variant, endpoints, localIo }: ServerContext): Promise<StartedServer> {
  const app = Fastify();
  if (localIo()) app.get(LOCAL_IO_ROUTE, async () => localIo());

  if (variant.library === 'bare') {
    app.get('/read', async () => ({ count: 0 }));
    app.post('/write', async () => ({ count: 1 }));
    app.get('/large/read', async () => ({ count: 0, filler: LARGE_SESSION.fillerLength }));
    app.post('/large/write', async () => ({ count: 1 }));
  } else {
    await app.register(sessions, await tina4SessionOptions(variant, endpoints));
    app.get('/read', async (request) => ({ count: request.session.get('count', 0) }));
    const increment = async (request: FastifyRequest) => {
      const count = Number(request.session.get('count', 0)) + 1;
      request.session.set('count', count);
      return { count };
    };
    app.post('/write', increment);
    app.post(LARGE_INIT_PATH, async (request) => {
      for (const [key, value] of largeSessionEntries()) request.session.set(key, value);
      return { keys: LARGE_SESSION.keys };
    });
    app.get('/large/read', async (request) => ({
      count: request.session.get('count', 0),
      filler: String(request.session.get(LARGE_SESSION.lastKey, '')).length,
    }));
    app.post('/large/write', increment);
  }
  app.get('/nocookie', async () => ({ ok: true }));

  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return { port: address.port, close: () => app.close() };
}

await serve('fastify', ['bare', 'tina4'], start);
