/**
 * Fastify without sessions (the ceiling) and with Tina4 Sessions:
 * `node --import tsx src/servers/fastify-server.ts <variant>`.
 */
import { sessions } from '@tina4/session-core/fastify';
import Fastify from 'fastify';
import { LOCAL_IO_ROUTE, type ServerContext, type StartedServer, serve } from './bench-server.js';
import { tina4SessionOptions } from './tina4-options.js';

async function start({ variant, endpoints, localIo }: ServerContext): Promise<StartedServer> {
  const app = Fastify();
  if (localIo()) app.get(LOCAL_IO_ROUTE, async () => localIo());

  if (variant.library === 'bare') {
    app.get('/read', async () => ({ count: 0 }));
    app.post('/write', async () => ({ count: 1 }));
  } else {
    await app.register(sessions, await tina4SessionOptions(variant, endpoints));
    app.get('/read', async (request) => ({ count: request.session.get('count', 0) }));
    app.post('/write', async (request) => {
      const count = Number(request.session.get('count', 0)) + 1;
      request.session.set('count', count);
      return { count };
    });
  }
  app.get('/nocookie', async () => ({ ok: true }));

  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return { port: address.port, close: () => app.close() };
}

await serve('fastify', ['bare', 'tina4'], start);
