import fastifyCookie from '@fastify/cookie';
import Fastify from 'fastify';
import { tina4Sessions } from '../../../src/adapters/fastify/index.js';
import type { SessionOptions } from '../../../src/index.js';
import { testRoutes } from '../routes.js';
import type { RunningServer } from './running-server.js';

export async function startFastifyApp(options: SessionOptions): Promise<RunningServer> {
  const app = Fastify();
  // Cookies are @fastify/cookie's (registered after the sessions: the order does not matter).
  await app.register(tina4Sessions, options);
  await app.register(fastifyCookie);
  for (const route of testRoutes) {
    app.route({
      method: route.method,
      url: route.path,
      handler: async (request, reply) => {
        const result = await route.handle({
          session: request.session,
          query: new URL(request.url, 'http://localhost').searchParams,
          cookies: request.cookies as Record<string, string>,
          // @fastify/cookie takes maxAge in seconds; the shared routes speak Tina4 milliseconds.
          setCookie: (name, value, { maxAge, sameSite, ...cookie } = {}) =>
            reply.setCookie(name, value, {
              ...cookie,
              ...(maxAge !== undefined && { maxAge: Math.floor(maxAge / 1000) }),
              ...(sameSite !== undefined && { sameSite: String(sameSite).toLowerCase() as 'lax' }),
            }),
          clearCookie: (name, { path, domain } = {}) =>
            reply.clearCookie(name, { path: path ?? '/', ...(domain !== undefined && { domain }) }),
        });
        if ('redirect' in result) return reply.redirect(result.redirect, 302);
        return reply.code(result.status ?? 200).send(result.json);
      },
    });
  }
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}
