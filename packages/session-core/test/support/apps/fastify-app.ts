import Fastify from 'fastify';
import { tina4Sessions } from '../../../src/adapters/fastify/index.js';
import type { SessionOptions } from '../../../src/index.js';
import { testRoutes } from '../routes.js';
import type { RunningServer } from './running-server.js';

export async function startFastifyApp(options: SessionOptions): Promise<RunningServer> {
  const app = Fastify();
  await app.register(tina4Sessions, options);
  for (const route of testRoutes) {
    app.route({
      method: route.method,
      url: route.path,
      handler: async (request, reply) => {
        const result = route.handle({
          session: request.session,
          cookies: request.cookies,
          setCookie: (name, value, cookie) => reply.setCookie(name, value, cookie),
        });
        if ('redirect' in result) return reply.redirect(result.redirect, 302);
        return reply.code(result.status ?? 200).send(result.json);
      },
    });
  }
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}
