/**
 * Express with `express-session` and an ecosystem store, with the recommended settings
 * (`resave: false`, `saveUninitialized: false`):
 * `node --import tsx src/servers/express-anchor-server.ts <variant>`.
 */
import { createServer } from 'node:http';
import express, { type Request, type Response } from 'express';
import session from 'express-session';
import { LARGE_INIT_PATH, LARGE_SESSION, largeSessionEntries } from '../routes.js';
import { createAnchorStore } from './anchor-store.js';
import {
  closeServer,
  LOCAL_IO_ROUTE,
  listenOnLoopback,
  type ServerContext,
  type StartedServer,
  serve,
} from './bench-server.js';

declare module 'express-session' {
  interface SessionData {
    count: number;
    /** The large session's filler keys. */
    [key: string]: unknown;
  }
}

/** Same lifetime as Tina4's default TTL (1 hour), so that every store keeps records as long. */
const MAX_AGE_MS = 3_600_000;

async function start({ variant, endpoints, localIo }: ServerContext): Promise<StartedServer> {
  const app = express();
  if (localIo()) app.get(LOCAL_IO_ROUTE, (_req, res) => void res.json(localIo()));

  const anchor = await createAnchorStore(variant, endpoints);
  app.use(
    session({
      secret: 'a benchmark secret that is at least 32 characters long',
      ...(anchor.store && { store: anchor.store }),
      resave: false,
      saveUninitialized: false,
      cookie: { maxAge: MAX_AGE_MS },
    }),
  );
  app.get('/read', (req, res) => void res.json({ count: req.session.count ?? 0 }));
  const increment = (req: Request, res: Response): void => {
    const count = (req.session.count ?? 0) + 1;
    req.session.count = count;
    res.json({ count });
  };
  app.post('/write', increment);
  app.post(LARGE_INIT_PATH, (req, res) => {
    Object.assign(req.session, Object.fromEntries(largeSessionEntries()));
    res.json({ keys: LARGE_SESSION.keys });
  });
  app.get('/large/read', (req, res) => {
    const filler = String(req.session[LARGE_SESSION.lastKey] ?? '').length;
    res.json({ count: req.session.count ?? 0, filler });
  });
  app.post('/large/write', increment);
  app.get('/nocookie', (_req, res) => void res.json({ ok: true }));

  const server = createServer(app);
  const port = await listenOnLoopback(server);
  return {
    port,
    close: async () => {
      await closeServer(server);
      await anchor.close();
    },
  };
}

await serve('express', ['anchor'], start);
