/**
 * Express without sessions (the ceiling) and with Tina4 Sessions:
 * `node --import tsx src/servers/express-server.ts <variant>`.
 */
import { createServer } from 'node:http';
import { sessions } from '@tina4/session-core/express';
import express, { type Request, type Response } from 'express';
import { LARGE_INIT_PATH, LARGE_SESSION, largeSessionEntries } from '../routes.js';
import {
  closeServer,
  LOCAL_IO_ROUTE,
  listenOnLoopback,
  type ServerContext,
  type StartedServer,
  serve,
} from './bench-server.js';
import { tina4SessionOptions } from './tina4-options.js';

async function start({ variant, endpoints, localIo }: ServerContext): Promise<StartedServer> {
  const app = express();
  if (localIo()) app.get(LOCAL_IO_ROUTE, (_req, res) => void res.json(localIo()));

  let close = async (): Promise<void> => {};
  if (variant.library === 'bare') {
    app.get('/read', (_req, res) => void res.json({ count: 0 }));
    app.post('/write', (_req, res) => void res.json({ count: 1 }));
    app.get('/large/read', (_req, res) => void res.json({ count: 0, filler: LARGE_SESSION.fillerLength }));
    app.post('/large/write', (_req, res) => void res.json({ count: 1 }));
  } else {
    const middleware = sessions(await tina4SessionOptions(variant, endpoints));
    await middleware.ready; // a store that cannot start fails the variant now, not on the first request
    close = () => middleware.close();
    app.use(middleware);
    app.get('/read', (req, res) => void res.json({ count: req.session.get('count', 0) }));
    const increment = (req: Request, res: Response): void => {
      const count = Number(req.session.get('count', 0)) + 1;
      req.session.set('count', count);
      res.json({ count });
    };
    app.post('/write', increment);
    app.post(LARGE_INIT_PATH, (req, res) => {
      for (const [key, value] of largeSessionEntries()) req.session.set(key, value);
      res.json({ keys: LARGE_SESSION.keys });
    });
    app.get('/large/read', (req, res) => {
      const filler = String(req.session.get(LARGE_SESSION.lastKey, '')).length;
      res.json({ count: req.session.get('count', 0), filler });
    });
    app.post('/large/write', increment);
  }
  app.get('/nocookie', (_req, res) => void res.json({ ok: true }));

  const server = createServer(app);
  const port = await listenOnLoopback(server);
  return {
    port,
    close: async () => {
      await closeServer(server);
      await close();
    },
  };
}

await serve('express', ['bare', 'tina4'], start);
