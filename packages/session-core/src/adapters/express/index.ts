import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { SessionOptions } from '../../config/session-config.js';
import { parseCookies } from '../../cookies/cookie-options.js';
import { type Session, sessionStateOf } from '../../session.js';
import type { SessionManager } from '../../session-manager.js';
import { sessionErrorResponse } from '../error-response.js';
import { isHttpsRequest } from '../is-https-request.js';
import { createManagerHandle } from '../manager-handle.js';
import { commitBeforeHeaders } from './commit-before-headers.js';
import { type CookieSetter, ensureCookieMethod } from './response-cookies.js';

export type { CookieOptions } from '../../cookies/cookie-options.js';
export type { CookieSetter } from './response-cookies.js';

declare global {
  // Express's own Request type is declared in this global namespace; adding to it types
  // `req.session` and `req.cookies` in every Express app that uses the middleware.
  namespace Express {
    interface Request {
      session: Session;
      cookies: Record<string, string>;
    }
  }
}

/** A `node:http` request once the middleware has run. */
export interface SessionRequest extends IncomingMessage {
  session: Session;
  cookies: Record<string, string>;
}

/** A `node:http` response once the middleware has run. */
export interface SessionResponse extends ServerResponse {
  cookie: CookieSetter<this>;
}

/** Connect-style middleware, usable by Express, Connect and plain `node:http`. */
export interface SessionMiddleware {
  (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void;
  /** Resolves once the store is ready (and rejects if it cannot be created). */
  readonly ready: Promise<SessionManager>;
  /** Closes the store: call it on shutdown. */
  close(): Promise<void>;
}

/**
 * Sessions and cookies for Express, Connect and `node:http`: `req.session` (the Tina4 API),
 * `req.cookies` and `res.cookie()`. Configuration comes from `TINA4_SESSION_*` variables and `.env`,
 * overridden by `options`; an invalid setting throws here, at start-up.
 *
 * ```ts
 * app.use(sessions());
 * app.get('/visit', (req, res) => {
 *   const count = req.session.get('count', 0) + 1;
 *   req.session.set('count', count);
 *   res.json({ count });
 * });
 * ```
 *
 * With `node:http`: `http.createServer((req, res) => middleware(req, res, () => handler(req, res)))`.
 */
export function sessions(options?: SessionOptions): SessionMiddleware {
  const handle = createManagerHandle(options);

  const middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void => {
    const request = req as IncomingMessage & { session?: Session; cookies?: Record<string, string> };
    if (request.session !== undefined) {
      next();
      return;
    }
    const cookies = request.cookies ?? parseCookies(req.headers.cookie);
    request.cookies = cookies;
    ensureCookieMethod(res);

    // Without a usable session cookie there is nothing to read: serve the request in this tick.
    const ready = handle.current;
    const id = ready?.sessionIdFrom(cookies);
    if (ready && id === undefined) {
      const session = ready.emptySession({ https: requestIsHttps(req, ready.config.trustProxy) });
      request.session = session;
      // Most such requests never touch the session: hook the response only if this one does.
      sessionStateOf(session).onFirstChange = () => commitBeforeHeaders(res, session, ready);
      next();
      return;
    }

    const attach = (manager: SessionManager, session: Session): void => {
      request.session = session;
      commitBeforeHeaders(res, session, manager);
      next();
    };
    const loading =
      ready && id !== undefined
        ? ready
            .loadSession(id, { https: requestIsHttps(req, ready.config.trustProxy) })
            .then((session) => attach(ready, session))
        : handle.ready.then((manager) =>
            manager
              .load(cookies, { https: requestIsHttps(req, manager.config.trustProxy) })
              .then((session) => attach(manager, session)),
          );
    loading.catch((error: unknown) => {
      const response = sessionErrorResponse(error);
      if (response) res.writeHead(response.status, response.headers).end(response.body);
      else next(error);
    });
  };

  return Object.assign(middleware, { ready: handle.ready, close: handle.close });
}

function requestIsHttps(req: IncomingMessage, trustProxy: boolean): boolean {
  return isHttpsRequest(
    (req.socket as TLSSocket).encrypted === true,
    req.headers['x-forwarded-proto'],
    trustProxy,
  );
}
