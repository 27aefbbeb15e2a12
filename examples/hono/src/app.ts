import { createHash, timingSafeEqual } from 'node:crypto';
import type { SessionOptions } from '@tina4/session-core';
import { type SessionEnv, type SessionMiddlewareHandler, sessions } from '@tina4/session-core/hono';
import { type Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

// What this app keeps in its sessions: `session.get`/`set` are type-checked against it.
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

/** The Hono app, plus its session middleware so that the owner can await the store and close it. */
export type ExampleApp = Hono<SessionEnv> & { readonly sessions: SessionMiddlewareHandler };

/** `hono/cookie` takes `maxAge` in seconds. */
const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;
const THEMES = ['light', 'dark'];

/**
 * The example app: a visit counter, login with `regenerate()` and a flash message, logout with
 * `destroy()`, and a preference kept in a plain cookie. Throws on an invalid `TINA4_SESSION_*`
 * setting; `app.sessions.ready` rejects when the store cannot be created.
 */
export function createApp(options: AppOptions = {}): ExampleApp {
  const sessionMiddleware = sessions(options.session);
  const app = new Hono<SessionEnv>();
  app.use(sessionMiddleware); // `c.get('session')`

  app.get('/', (c) =>
    c.json({
      routes: [
        'GET /visit',
        'POST /login {"username","password"}',
        'GET /me',
        'POST /logout',
        'GET /preferences',
        'POST /preferences {"theme"}',
        'POST /clear-preferences',
      ],
    }),
  );

  app.get('/visit', (c) => {
    const session = c.get('session');
    const count = session.get('visit_count', 0) + 1;
    session.set('visit_count', count);
    return c.json({
      visit_count: count,
      message: `You have visited this page ${count} time${count === 1 ? '' : 's'}`,
    });
  });

  app.post('/login', async (c) => {
    const { username, password } = (await jsonBody(c)) ?? {};
    if (typeof username !== 'string' || typeof password !== 'string') {
      return c.json({ error: 'Send {"username": "...", "password": "..."} as JSON' }, 400);
    }
    if (!checkPassword(username, password)) {
      return c.json({ error: 'Invalid username or password' }, 401);
    }
    const session = c.get('session');
    // A new session id on login: an id planted in the browser before (session fixation) stops working.
    session.regenerate();
    session.set('user', username);
    session.flash('message', `Welcome back, ${username}!`);
    return c.redirect('/me', 303);
  });

  app.get('/me', (c) => {
    const session = c.get('session');
    return c.json({
      user: session.get('user', null),
      // Shown once: reading a flash value removes it.
      message: session.getFlash('message', null),
    });
  });

  app.post('/logout', (c) => {
    // Deletes the record and sends an expiring session cookie.
    c.get('session').destroy();
    return c.json({ message: 'Logged out' });
  });

  app.get('/preferences', (c) => c.json({ theme: getCookie(c, 'theme') ?? 'light' }));

  app.post('/preferences', async (c) => {
    const { theme } = (await jsonBody(c)) ?? {};
    if (typeof theme !== 'string' || !THEMES.includes(theme)) {
      return c.json({ error: `theme must be one of: ${THEMES.join(', ')}` }, 400);
    }
    setCookie(c, 'theme', theme, { path: '/', maxAge: ONE_YEAR_SECONDS, sameSite: 'Lax' });
    return c.json({ message: 'Preferences saved', theme });
  });

  app.post('/clear-preferences', (c) => {
    deleteCookie(c, 'theme', { path: '/' });
    return c.json({ message: 'Preferences cleared' });
  });

  app.notFound((c) => c.json({ error: `No route for ${c.req.method} ${c.req.path}` }, 404));

  return Object.assign(app, { sessions: sessionMiddleware });
}

/** The request's JSON object, or undefined when the body is not one. */
async function jsonBody(c: Context): Promise<Record<string, unknown> | undefined> {
  try {
    const body: unknown = await c.req.json();
    return typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
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
