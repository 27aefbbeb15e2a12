import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { type SessionEnv, sessionMiddleware } from '../../../src/adapters/hono/index.js';
import type { SessionOptions } from '../../../src/index.js';
import { testRoutes } from '../routes.js';
import type { RunningServer } from './running-server.js';

export async function startHonoApp(options: SessionOptions): Promise<RunningServer> {
  const app = new Hono<SessionEnv>();
  const middleware = sessionMiddleware(options);
  app.use(middleware);
  for (const route of testRoutes) {
    app.on(route.method, route.path, async (c) => {
      const result = await route.handle({
        session: c.get('session'),
        query: new URL(c.req.url).searchParams,
        cookies: getCookie(c),
        // Hono's cookie helper takes maxAge in seconds; the shared routes speak Tina4 milliseconds.
        setCookie: (name, value, cookie = {}) =>
          setCookie(c, name, value, {
            path: cookie.path ?? '/',
            ...(cookie.maxAge !== undefined && { maxAge: Math.floor(cookie.maxAge / 1000) }),
            ...(cookie.sameSite !== undefined && { sameSite: cookie.sameSite as 'Lax' }),
          }),
        clearCookie: (name, cookie = {}) => {
          deleteCookie(c, name, {
            path: cookie.path ?? '/',
            ...(cookie.domain !== undefined && { domain: cookie.domain }),
          });
        },
      });
      if ('redirect' in result) return c.redirect(result.redirect, 302);
      return c.json(result.json as object, (result.status ?? 200) as 200);
    });
  }
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
          }).then(() => middleware.close()),
      });
    });
  });
}
