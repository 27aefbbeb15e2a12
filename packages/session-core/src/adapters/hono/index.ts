import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { SessionOptions } from '../../config/session-config.js';
import { sessionHttpError } from '../../http/error-response.js';
import { isHttpsRequest } from '../../http/is-https-request.js';
import { createManagerHandle } from '../../http/manager-handle.js';
import { RequestSession } from '../../http/request-session.js';
import type { SessionManager } from '../../manager/session-manager.js';
import type { Session } from '../../session/session.js';

/** Hono environment with the session: `new Hono<SessionEnv>()`, then `c.get('session')`. */
export interface SessionEnv {
  Variables: { session: Session };
}

/** Hono middleware with `ready` and `close()` for start-up and shutdown. */
export type SessionMiddlewareHandler = MiddlewareHandler<SessionEnv> & {
  readonly ready: Promise<SessionManager>;
  close(): Promise<void>;
};

/**
 * Hono middleware: the Tina4 session API as `c.get('session')`. Cookies are Hono's own
 * (`getCookie` / `setCookie` from `hono/cookie`). The session is committed after the handler and
 * before the response leaves; a store outage becomes a 503.
 *
 * ```ts
 * const app = new Hono<SessionEnv>();
 * app.use(sessions());
 * app.get('/visit', (c) => {
 *   const session = c.get('session');
 *   session.set('count', session.get('count', 0) + 1);
 *   return c.json({ count: session.get('count') });
 * });
 * ```
 */
export function sessions(options?: SessionOptions): SessionMiddlewareHandler {
  const handle = createManagerHandle(options);

  const middleware: MiddlewareHandler<SessionEnv> = async (c, next) => {
    let session: RequestSession;
    try {
      const manager = handle.current ?? (await handle.whenReady);
      const encrypted = new URL(c.req.url).protocol === 'https:';
      const https = isHttpsRequest(encrypted, c.req.header('x-forwarded-proto'), manager.config.trustProxy);
      session = await RequestSession.begin(manager, c.req.header('cookie'), https);
    } catch (error) {
      throwSessionFailure(error);
    }
    c.set('session', session.session);
    try {
      await next();
      const cookie = await session.finish();
      if (cookie !== undefined) appendSetCookie(c, cookie);
    } catch (error) {
      throwSessionFailure(error);
    } finally {
      await session.release();
    }
  };

  return Object.assign(middleware, { ready: handle.ready, close: handle.close });
}

/** The same middleware under its earlier name. */
export const sessionMiddleware = sessions;

/**
 * A session failure becomes an `HTTPException` for the app's `onError` (its `cause` is a
 * `SessionHttpError`: status 503, `Retry-After`, a stable `code`); Hono's default answers it with the
 * library's JSON. Anything else goes on as it is.
 */
function throwSessionFailure(error: unknown): never {
  const httpError = sessionHttpError(error);
  if (!httpError) throw error;
  const { status, headers, body } = httpError.toResponse();
  throw new HTTPException(status as 500 | 503, {
    message: httpError.message,
    cause: httpError,
    res: new Response(body, { status, headers }),
  });
}

function appendSetCookie(c: Context, cookie: string): void {
  try {
    c.res.headers.append('set-cookie', cookie);
  } catch {
    // Responses from fetch() have immutable headers: copy the response to add the cookie.
    c.res = new Response(c.res.body, c.res);
    c.res.headers.append('set-cookie', cookie);
  }
}
