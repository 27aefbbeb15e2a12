import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { SessionOptions } from '../../config/session-config.js';
import { parseCookies } from '../../cookies/cookie-options.js';
import { isHttpsRequest } from '../../http/is-https-request.js';
import { createManagerHandle } from '../../http/manager-handle.js';
import { RequestSession } from '../../http/request-session.js';
import type { SessionManager } from '../../manager/session-manager.js';
import type { Session } from '../../session/session.js';
import { commitBeforeHeaders } from './commit-before-headers.js';
import { appHandlesErrors, failRequest } from './error-handling.js';
import { type CookieClearer, type CookieSetter, ensureCookieMethods } from './response-cookies.js';

export type { CookieOptions } from '../../cookies/cookie-options.js';
export type { CookieClearer, CookieSetter } from './response-cookies.js';

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
  clearCookie: CookieClearer<this>;
}

/**
 * Connect-style middleware, usable by Express, Connect and plain `node:http`. It calls `next()` once
 * the session is ready and returns what `next` returned, a promise when it first had to read the
 * store: an error thrown by `next` reaches the caller, synchronously or as that promise's rejection.
 */
export interface SessionMiddleware {
  (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => unknown): unknown;
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

  const middleware = (
    req: IncomingMessage,
    res: ServerResponse,
    next: (error?: unknown) => unknown,
  ): unknown => {
    const request = req as IncomingMessage & { session?: Session; cookies?: Record<string, string> };
    if (request.session !== undefined) return next();
    const cookies = request.cookies ?? parseCookies(req.headers.cookie);
    request.cookies = cookies;
    ensureCookieMethods(res);

    const fail = (error: unknown): void => failRequest(req, res, next, error);
    // A commit that fails after the handler ran goes to the app's error pages too, if it has any.
    const passOn = (error: unknown): boolean => {
      if (!appHandlesErrors(req)) return false;
      next(error);
      return true;
    };
    const attach = (session: RequestSession, lazily: boolean): unknown => {
      request.session = session.session;
      // Most requests without a session never touch it: hook the response only if this one does.
      if (lazily) {
        session.onFirstChange = () => {
          if (res.writableEnded) session.close();
          else commitBeforeHeaders(res, session, passOn);
        };
      } else commitBeforeHeaders(res, session, passOn);
      return next();
    };
    const start = (manager: SessionManager): unknown => {
      const begun = RequestSession.begin(
        manager,
        req.headers.cookie,
        requestIsHttps(req, manager.config.trustProxy),
      );
      if (begun instanceof RequestSession) return attach(begun, true);
      // `next` runs outside the promise's error path: a handler that throws runs once, and its
      // error rejects the promise returned to the caller.
      return begun
        .then((session) => ({ session }), fail)
        .then((begin) => begin && attach(begin.session, false));
    };

    // Without a usable session cookie there is nothing to read: serve the request in this tick.
    const manager = handle.current;
    return manager ? start(manager) : handle.whenReady.then(start, fail);
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
