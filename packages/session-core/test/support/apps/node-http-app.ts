import { createServer } from 'node:http';
import { type SessionRequest, type SessionResponse, sessions } from '../../../src/adapters/express/index.js';
import type { SessionOptions } from '../../../src/index.js';
import { testRoutes } from '../routes.js';
import { listen, type RunningServer } from './running-server.js';

/** The same routes on plain `node:http`, with the Connect-style middleware called by hand. */
export async function startNodeHttpApp(options: SessionOptions): Promise<RunningServer> {
  const middleware = sessions(options);
  const server = createServer((incoming, outgoing) => {
    middleware(incoming, outgoing, async () => {
      const req = incoming as SessionRequest;
      const res = outgoing as SessionResponse;
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const route = testRoutes.find(
        (candidate) => candidate.method === req.method && candidate.path === path,
      );
      if (!route) {
        res.writeHead(404).end();
        return;
      }
      const result = await route.handle({
        session: req.session,
        query: new URL(req.url ?? '/', 'http://localhost').searchParams,
        cookies: req.cookies,
        setCookie: (name, value, cookie) => res.cookie(name, value, cookie),
        clearCookie: (name, cookie) => res.clearCookie(name, cookie),
      });
      if ('redirect' in result) res.writeHead(302, { location: result.redirect }).end();
      else
        res
          .writeHead(result.status ?? 200, { 'content-type': 'application/json' })
          .end(JSON.stringify(result.json));
    });
  });
  return listen(server, () => middleware.close());
}
