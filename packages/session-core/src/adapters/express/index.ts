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
import { failRequest } from './error-handling.js';
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

  // No closure is made per request on the way to the handler: the request's parts are passed along.
  const middleware = (req: IncomingMessage, res: ServerResponse, next: NextFunction): unknown => {
    const request = req as SessionRequestSlots;
    if (request.session !== undefined) return next();
    request.cookies ??= parseCookies(req.headers.cookie);
    ensureCookieMethods(res);
    const manager = handle.current;
    if (manager !== undefined) return startSession(manager, req, res, next);
    return handle.whenReady.then(
      (ready) => startSession(ready, req, res, next),
      (error: unknown) => failRequest(req, res, next, error),
    );
  };

  return Object.assign(middleware, { ready: handle.ready, close: handle.close });
}

type NextFunction = (error?: unknown) => unknown;
type SessionRequestSlots = IncomingMessage & { session?: Session; cookies?: Record<string, string> };

/**
 * Without a usable session cookie there is nothing to read: the request is served in this tick.
 * Otherwise `next` runs once the store has answered, outside the read's error path: a handler that
 * throws runs once, and its error rejects the promise returned to the caller.
 */
function startSession(
  manager: SessionManager,
  req: IncomingMessage,
  res: ServerResponse,
  next: NextFunction,
): unknown {
  const begun = RequestSession.begin(manager, req.headers.cookie, requestIsHttps(req, manager));
  if (begun instanceof RequestSession) return attach(begun, req, res, next);
  return begun.then(
    (session) => attach(session, req, res, next),
    (error: unknown) => failRequest(req, res, next, error),
  );
}

function attach(
  session: RequestSession,
  req: IncomingMessage,
  res: ServerResponse,
  next: NextFunction,
): unknown {
  (req as SessionRequestSlots).session = session.session;
  if (session.needsResponseHook) commitBeforeHeaders(res, session, req, next);
  // Most requests only read their session, or never touch it: hook the response only if this one changes it.
  else session.onFirstChange = () => hookLate(session, req, res, next);
  return next();
}

/** The session's first change: the response must now commit it, unless it has gone out already. */
function hookLate(
  session: RequestSession,
  req: IncomingMessage,
  res: ServerResponse,
  next: NextFunction,
): void {
  if (res.writableEnded) session.close();
  else commitBeforeHeaders(res, session, req, next);
}

function requestIsHttps(req: IncomingMessage, manager: SessionManager): boolean {
  return isHttpsRequest(
    (req.socket as TLSSocket).encrypted === true,
    req.headers['x-forwarded-proto'],
    manager.config.trustProxy,
  );
}
