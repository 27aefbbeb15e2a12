import { createHash, timingSafeEqual } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import type { SessionOptions } from '@tina4/session-core';
import { sessions } from '@tina4/session-core/fastify';
import Fastify, { type FastifyInstance } from 'fastify';

// What this app keeps in its sessions: `request.session.get`/`set` are type-checked against it.
declare module '@tina4/session-core' {
  interface SessionData {
    visit_count: number;
    user: string;
  }
}

export interface AppOptions {
  /**
   * Session settings given in code; they override `TINA4_SESSION_*` and `.env`. The tests pass a
   * temporary `path` for the file store, and `envFile: false, env: {}` to read no other setting.
   */
  session?: SessionOptions;
}

/** `@fastify/cookie` takes `maxAge` in seconds (Fastify's convention). */
const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;
const THEMES = ['light', 'dark'] as const;

/**
 * The example app: a visit counter, login with `regenerate()` and a flash message, logout with
 * `destroy()`, and a preference kept in a plain cookie. Rejects (at start-up) on an invalid
 * `TINA4_SESSION_*` setting or a store that cannot be created.
 */
export async function createApp(options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify();
  // Cookies are @fastify/cookie's: `request.cookies`, `reply.setCookie()`, `reply.clearCookie()`.
  await app.register(fastifyCookie);
  // `request.session`; the store is closed by `app.close()`.
  await app.register(sessions, options.session ?? {});

  app.get('/', async () => ({
    routes: [
      'GET /visit',
      'POST /login {"username","password"}',
      'GET /me',
      'POST /logout',
      'GET /preferences',
      'POST /preferences {"theme"}',
      'POST /clear-preferences',
    ],
  }));

  app.get('/visit', async (request) => {
    const count = request.session.get('visit_count', 0) + 1;
    request.session.set('visit_count', count);
    return {
      visit_count: count,
      message: `You have visited this page ${count} time${count === 1 ? '' : 's'}`,
    };
  });

  app.post<{ Body: { username: string; password: string } }>(
    '/login',
    {
      schema: {
        body: {
          type: 'object',
          required: ['username', 'password'],
          properties: {
            username: { type: 'string', maxLength: 100 },
            password: { type: 'string', maxLength: 200 },
          },
        },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      if (!checkPassword(username, password)) {
        return reply.code(401).send({ error: 'Invalid username or password' });
      }
      // A new session id on login: an id planted in the browser before (session fixation) stops working.
      request.session.regenerate();
      request.session.set('user', username);
      request.session.flash('message', `Welcome back, ${username}!`);
      return reply.redirect('/me', 303);
    },
  );

  app.get('/me', async (request) => ({
    user: request.session.get('user', null),
    // Shown once: reading a flash value removes it.
    message: request.session.getFlash('message', null),
  }));

  app.post('/logout', async (request) => {
    // Deletes the record and sends an expiring session cookie.
    request.session.destroy();
    return { message: 'Logged out' };
  });

  app.get('/preferences', async (request) => ({ theme: request.cookies.theme ?? 'light' }));

  app.post<{ Body: { theme: (typeof THEMES)[number] } }>(
    '/preferences',
    {
      schema: {
        body: {
          type: 'object',
          required: ['theme'],
          properties: { theme: { type: 'string', enum: [...THEMES] } },
        },
      },
    },
    async (request, reply) => {
      reply.setCookie('theme', request.body.theme, { path: '/', maxAge: ONE_YEAR_SECONDS, sameSite: 'lax' });
      return { message: 'Preferences saved', theme: request.body.theme };
    },
  );

  app.post('/clear-preferences', async (_request, reply) => {
    reply.clearCookie('theme', { path: '/' });
    return { message: 'Preferences cleared' };
  });

  return app;
}

/**
 * The demo user: alice / tina4-demo. A real app checks a salted password hash from its database
 * (see the cart example's `src/auth/users.ts`); digests of equal length keep the comparison constant-time.
 */
function checkPassword(username: string, password: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  const userMatches = timingSafeEqual(digest(username), digest('alice'));
  const passwordMatches = timingSafeEqual(digest(password), digest('tina4-demo'));
  return userMatches && passwordMatches;
}
