import type { TLSSocket } from 'node:tls';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SessionOptions } from '../../config/session-config.js';
import { parseCookies } from '../../cookies/cookie-options.js';
import { sessionHttpError } from '../../http/error-response.js';
import { isHttpsRequest } from '../../http/is-https-request.js';
import { createManagerHandle } from '../../http/manager-handle.js';
import { RequestSession } from '../../http/request-session.js';
import type { Session } from '../../session/session.js';

export type { CookieOptions } from '../../cookies/cookie-options.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The Tina4 session API. */
    session: Session;
    /**
     * The request's cookies, percent-decoded: @fastify/cookie's when it is registered, otherwise
     * parsed by this plugin. (Declared exactly as @fastify/cookie declares it, so the two agree.)
     */
    cookies: { [cookieName: string]: string | undefined };
  }
}

/** The request's session lifecycle, kept on the request between the hooks. */
const REQUEST_SESSION = Symbol('tina4.session.request');
type WithRequestSession = FastifyRequest & { [REQUEST_SESSION]?: RequestSession };

function attach(request: FastifyRequest, session: RequestSession): void {
  (request as WithRequestSession)[REQUEST_SESSION] = session;
  request.session = session.session;
}

/**
 * Fastify plugin: `request.session` (the Tina4 API) and `request.cookies`. Register it at the root
 * (it is not encapsulated):
 *
 * ```ts
 * await app.register(sessions, { ttl: 1800 });
 * ```
 *
 * Cookies are Fastify's own: register `@fastify/cookie` (before or after this plugin) for
 * `reply.setCookie()` and `reply.clearCookie()`, whose `maxAge` is in seconds, Fastify's
 * convention. This plugin adds no cookie decorators of its own, so the two never collide.
 *
 * The session is read in `onRequest`, committed in `onSend` (before the headers go out) and its
 * lock released in `onResponse`. A store outage goes to the app's error handler (`setErrorHandler`)
 * as a `SessionHttpError` (status 503, `Retry-After`, a stable `code`); Fastify's default answers it
 * as JSON with that status.
 */
export async function sessions(fastify: FastifyInstance, options: SessionOptions = {}): Promise<void> {
  const handle = createManagerHandle(options);
  const manager = await handle.ready;

  fastify.decorateRequest('session', null as unknown as Session);
  // Declared, so that requests are built with the slot: a property added to each request later
  // would change the request objects' shape.
  fastify.decorateRequest(REQUEST_SESSION, undefined);
  const { trustProxy } = manager.config;

  // Callback-style hooks, and no closure per request on the way: a request without a usable session
  // cookie, or a response with nothing to commit, passes through without a promise.
  fastify.addHook(
    'onRequest',
    (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void) => {
      // Not a decorator: @fastify/cookie decorates `cookies` itself, and may be registered after us.
      request.cookies ??= parseCookies(request.headers.cookie);
      const encrypted = (request.raw.socket as TLSSocket | undefined)?.encrypted === true;
      const https = isHttpsRequest(encrypted, request.headers['x-forwarded-proto'], trustProxy);
      const begun = RequestSession.begin(manager, request.headers.cookie, https);
      if (begun instanceof RequestSession) {
        attach(request, begun);
        done();
        return;
      }
      begun.then(
        (session) => {
          attach(request, session);
          done();
        },
        // To the app's error handler (or Fastify's default, which answers with the status and headers).
        (error: unknown) => done((sessionHttpError(error) ?? error) as Error),
      );
    },
  );

  fastify.addHook(
    'onSend',
    (
      request: FastifyRequest,
      reply: FastifyReply,
      payload: unknown,
      done: (error: Error | null, payload?: unknown) => void,
    ) => {
      const session = (request as WithRequestSession)[REQUEST_SESSION];
      const finished = session?.finish();
      if (typeof finished !== 'object') {
        if (finished !== undefined) reply.header('set-cookie', finished);
        done(null, payload);
        return;
      }
      finished.then(
        (cookie) => {
          if (cookie !== undefined) reply.header('set-cookie', cookie);
          done(null, payload);
        },
        (error: unknown) => {
          // The error response Fastify sends next passes through onSend again: without the session.
          (request as WithRequestSession)[REQUEST_SESSION] = undefined;
          reply.removeHeader('set-cookie');
          done((sessionHttpError(error) ?? error) as Error);
        },
      );
    },
  );

  const release = (request: FastifyRequest, done: () => void): void => {
    const session = (request as WithRequestSession)[REQUEST_SESSION];
    if (session?.holdsLock) void session.release().then(done);
    else done();
  };
  // Hooks cost every request something: only apps that lock sessions get these.
  if (manager.config.lock) {
    fastify.addHook('onResponse', (request: FastifyRequest, _reply: FastifyReply, done: () => void) =>
      release(request, done),
    );
    fastify.addHook('onRequestAbort', release);
  }
  fastify.addHook('onClose', () => handle.close());
}

// Skip Fastify's encapsulation so that the decorators and hooks apply to the whole app
// (what the fastify-plugin helper does, without the dependency).
Object.assign(sessions, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: '@tina4/session-core',
});

/** The same plugin under its earlier name. */
export const tina4Sessions = sessions;

export default sessions;
