import type { TLSSocket } from 'node:tls';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SessionOptions } from '../../config/session-config.js';
import { type CookieOptions, parseCookies, serializeCookie } from '../../cookies/cookie-options.js';
import type { Session } from '../../session.js';
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

  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    request.cookies ??= parseCookies(request.headers.cookie);
    try {
      const encrypted = (request.raw.socket as TLSSocket | undefined)?.encrypted === true;
      const https = isHttpsRequest(
        encrypted,
        request.headers['x-forwarded-proto'],
        manager.config.trustProxy,
      );
      request.session = await manager.load(request.cookies, { https });
    } catch (error) {
      const response = sessionErrorResponse(error);
      return reply.code(response.status).headers(response.headers).send(response.body);
    }
  });

  fastify.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const session = request.session;
    if (!session) return payload;
    try {
      await manager.commit(session);
    } catch (error) {
      const response = sessionErrorResponse(error);
      reply.removeHeader('set-cookie');
      reply.removeHeader('content-length');
      reply.code(response.status).headers(response.headers);
      return response.body;
    }
    const cookie = manager.setCookieHeader(session);
    if (cookie !== undefined) reply.header('set-cookie', cookie);
    return payload;
  });

  const release = async (request: FastifyRequest): Promise<void> => {
    if (request.session) await manager.release(request.session);
  };
  fastify.addHook('onResponse', release);
  fastify.addHook('onRequestAbort', release);
  fastify.addHook('onClose', () => handle.close());
}

// Skip Fastify's encapsulation so that the decorators and hooks apply to the whole app
// (what the fastify-plugin helper does, without the dependency).
Object.assign(tina4Sessions, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: '@tina4/session-core',
});

export default tina4Sessions;
