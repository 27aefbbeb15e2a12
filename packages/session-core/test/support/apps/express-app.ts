import { createServer } from 'node:http';
import express from 'express';
import { sessions } from '../../../src/adapters/express/index.js';
import type { SessionOptions } from '../../../src/index.js';
import { testRoutes } from '../routes.js';
import { listen, type RunningServer } from './running-server.js';

export async function startExpressApp(options: SessionOptions): Promise<RunningServer> {
  const app = express();
  const middleware = sessions(options);
  app.use(middleware);
  for (const route of testRoutes) {
    app[route.method === 'GET' ? 'get' : 'post'](route.path, async (req, res) => {
      const result = await route.handle({
        session: req.session,
        query: new URL(req.url, 'http://localhost').searchParams,
        cookies: req.cookies,
        // Express's types spell sameSite in lower case; its runtime accepts Tina4's "Lax" too.
        setCookie: (name, value, cookie) => res.cookie(name, value, (cookie ?? {}) as express.CookieOptions),
        clearCookie: (name, cookie) => res.clearCookie(name, cookie as express.CookieOptions),
      });
      if ('redirect' in result) res.redirect(302, result.redirect);
      else res.status(result.status ?? 200).json(result.json);
    });
  }
  app.get('/stream', (req, res) => {
    req.session.set('streamed', true);
    res.write('first chunk;');
    setTimeout(() => res.end('last chunk'), 10);
  });
  app.get('/slow', (req, res) => {
    req.session.set('slow', true);
    setTimeout(() => res.json({ ok: true }), 300);
  });
  app.get('/fail', (req, _res, next) => {
    req.session.set('before_error', true);
    next(new Error('handler failed'));
  });
  // An app's own error page, as most apps have one: errors with a status keep it (and their headers).
  app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const { status, headers, message, code } = error as {
      status?: number;
      headers?: Record<string, string>;
      message: string;
      code?: string;
    };
    if (status === undefined) {
      res.status(500).json({ error: 'handled' });
      return;
    }
    res
      .status(status)
      .set(headers ?? {})
      .json({ error: message, code, page: 'the app error page' });
  });
  return listen(createServer(app), () => middleware.close());
}
