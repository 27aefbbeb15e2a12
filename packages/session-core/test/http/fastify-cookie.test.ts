import fastifyCookie from '@fastify/cookie';
import { describe, expect, it } from '@jest/globals';
import Fastify from 'fastify';
import { sessions } from '../../src/adapters/fastify/index.js';
import { CookieJar } from '../support/cookie-jar.js';

describe('the Fastify plugin beside @fastify/cookie', () => {
  for (const order of ['cookie first', 'sessions first'] as const) {
    it(`works with @fastify/cookie registered ${order === 'cookie first' ? 'before' : 'after'} it, with Fastify's cookie convention`, async () => {
      const app = Fastify();
      const plugins = [fastifyCookie, sessions] as const;
      for (const plugin of order === 'cookie first' ? plugins : [...plugins].reverse()) {
        await app.register(plugin as never, { backend: 'memory', envFile: false, env: {} } as never);
      }
      app.get('/visit', async (request, reply) => {
        const count = (request.session.get('count', 0) as number) + 1;
        request.session.set('count', count);
        // @fastify/cookie's maxAge is in seconds, whatever the plugin order.
        reply.setCookie('theme', 'dark', { maxAge: 3600, path: '/' });
        return { count, theme: request.cookies.theme ?? null };
      });
      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      try {
        const jar = new CookieJar();
        const first = await jar.fetch(`${url}/visit`);
        expect(first.headers.getSetCookie().find((line) => line.startsWith('theme='))).toMatch(
          /Max-Age=3600/,
        );
        expect(await (await jar.fetch(`${url}/visit`)).json()).toEqual({ count: 2, theme: 'dark' });
      } finally {
        await app.close();
      }
    });
  }
});
