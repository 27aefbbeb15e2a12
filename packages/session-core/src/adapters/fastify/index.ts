import type { TLSSocket } from 'node:tls';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SessionOptions } from '../../config/session-config.js';
import { type CookieOptions, parseCookies, serializeCookie } from '../../cookies/cookie-options.js';
import { type Session, sessionStateOf } from '../../session.js';
import { sessionErrorResponse } from '../error-response.js';
import { isHttpsRequest } from '../is-https-request.js';
import { createManagerHandle } from '../manager-handle.js';

export type { CookieOptions } from '../../cookies/cookie-options.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The Tina4 session API. */
    session: Session;
    /** The request's cookies, percent-decoded. */
    cookies: Record<string, string>;
  }
  interface FastifyReply {
    /** Adds a `Set-Cookie` (Tina4 options: `maxAge` in milliseconds, 0 deletes). Chainable. */
    setCookie(name: string, value: string, options?: CookieOptions): FastifyReply;
    /** Deletes a cookie (an expired `Set-Cookie` with the same path and domain). Chainable. */
    clearCookie(name: string, options?: Pick<CookieOptions, 'path' | 'domain'>): FastifyReply;
  }
}

/**
 * Fastify plugin: `request.session` (the Tina4 API), `request.cookies`, `reply.setCookie()` and
 * `reply.clearCookie()`. Register it at the root (it is not encapsulated):
 *
 * ```ts
 * await app.register(tina4Sessions, { ttl: 1800 });
 * ```
 *
 * The session is committed in `onSend`, before the headers go out; a store outage becomes a 503.
 */
export async function tina4Sessions(fastify: FastifyInstance, options: SessionOptions = {}): Promise<void> {
  const handle = createManagerHandle(options);
  const manager = await handle.ready;

  fastify.decorateRequest('session', null as unknown as Session);
  if (!fastify.hasRequestDecorator('cookies')) {
    fastify.decorateRequest('cookies', null as unknown as Record<string, string>);
  }
  if (!fastify.hasReplyDecorator('setCookie')) {
    fastify.decorateReply(
      'setCookie',
      function (this: FastifyReply, name: string, value: string, cookie?: CookieOptions) {
        return this.header('set-cookie', serializeCookie(name, value, cookie));
      },
    );
  }
  if (!fastify.hasReplyDecorator('clearCookie')) {
    fastify.decorateReply('clearCookie', function (this: FastifyReply, name: string, cookie?: CookieOptions) {
      return this.header('set-cookie', serializeCookie(name, '', { ...cookie, maxAge: 0 }));
    });
  }

  // Callback-style hooks: a request without a usable session cookie, or a response with nothing to
  // commit, passes through without a promise.
  fastify.addHook(
    'onRequest',
    (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
      request.cookies ??= parseCookies(request.headers.cookie);
      const encrypted = (request.raw.socket as TLSSocket | undefined)?.encrypted === true;
      const https = isHttpsRequest(
        encrypted,
        request.headers['x-forwarded-proto'],
        manager.config.trustProxy,
      );
      const id = manager.sessionIdFrom(request.cookies);
      if (id === undefined) {
        request.session = manager.emptySession({ https });
        done();
        return;
      }
      manager.loadSession(id, { https }).then(
        (session) => {
          request.session = session;
          done();
        },
        (error: unknown) => {
          const response = sessionErrorResponse(error);
          if (!response) {
            done(error as Error);
            return;
          }
          reply.code(response.status).headers(response.headers).send(response.body);
        },
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
      const session = request.session;
      if (!session) {
        done(null, payload);
        return;
      }
      const sendCookie = (): void => {
        const cookie = manager.setCookieHeader(session);
        if (cookie !== undefined) reply.header('set-cookie', cookie);
      };
      if (!sessionStateOf(session).hasPendingWork()) {
        sendCookie();
        done(null, payload);
        return;
      }
      manager.commit(session).then(
        () => {
          sendCookie();
          done(null, payload);
        },
        (error: unknown) => {
          const response = sessionErrorResponse(error);
          if (!response) {
            done(error as Error);
            return;
          }
          reply.removeHeader('set-cookie');
          reply.removeHeader('content-length');
          reply.code(response.status).headers(response.headers);
          done(null, response.body);
        },
      );
    },
  );

  const release = (request: FastifyRequest, _reply: FastifyReply, done: () => void): void => {
    const session = request.session;
    if (session && sessionStateOf(session).releaseLock) void manager.release(session).then(done);
    else done();
  };
  // Hooks cost every request something: only apps that lock sessions get these.
  if (manager.config.lock) {
    fastify.addHook('onResponse', release);
    fastify.addHook('onRequestAbort', (request: FastifyRequest, done: () => void) =>
      release(request, undefined as never, done),
    );
  }
  fastify.addHook('onClose', () => handle.close());
}

// Skip Fastify's encapsulation so that the decorators and hooks apply to the whole app
// (what the fastify-plugin helper does, without the dependency).
Object.assign(tina4Sessions, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: '@tina4/session-core',
});

export default tina4Sessions;
