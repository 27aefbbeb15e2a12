import type { CookieOptions, Session } from '../../src/index.js';
import { gates } from './gates.js';

/** What a test route sees, whatever the framework. */
export interface RouteContext {
  session: Session;
  /** The request's query parameters. */
  query: URLSearchParams;
  cookies: Record<string, string>;
  setCookie(name: string, value: string, options?: CookieOptions): void;
  /** The framework's way to delete a cookie (`res.clearCookie`, `reply.clearCookie`, Hono's `deleteCookie`). */
  clearCookie(name: string, options?: CookieOptions): void;
}

export type RouteResult = { json: unknown; status?: number } | { redirect: string };

export interface TestRoute {
  method: 'GET' | 'POST';
  path: string;
  handle(context: RouteContext): RouteResult | Promise<RouteResult>;
}

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

/** The routes every adapter's test app serves: the chapter's examples plus edge cases. */
export const testRoutes: TestRoute[] = [
  {
    method: 'GET',
    path: '/visit-counter',
    handle({ session }) {
      const count = (session.get('visit_count', 0) as number) + 1;
      session.set('visit_count', count);
      return {
        json: {
          visit_count: count,
          message: `You have visited this page ${count} time${count === 1 ? '' : 's'}`,
        },
      };
    },
  },
  {
    method: 'POST',
    path: '/contact',
    handle({ session }) {
      session.flash('message', 'Your message has been sent!');
      return { redirect: '/contact' };
    },
  },
  {
    method: 'GET',
    path: '/contact',
    handle({ session }) {
      return { json: { flash_message: session.flash('message') ?? null } };
    },
  },
  {
    method: 'POST',
    path: '/login',
    handle({ session }) {
      session.regenerate();
      session.set('user', 'alice');
      return { json: { ok: true } };
    },
  },
  {
    method: 'GET',
    path: '/whoami',
    handle({ session }) {
      return { json: { user: session.get('user', null), data: session.all() } };
    },
  },
  {
    method: 'POST',
    path: '/logout',
    handle({ session }) {
      session.destroy();
      return { json: { ok: true } };
    },
  },
  {
    method: 'POST',
    path: '/logout-and-start-over',
    handle({ session }) {
      session.destroy();
      session.set('fresh', true);
      return { json: { ok: true } };
    },
  },
  {
    method: 'POST',
    path: '/preferences',
    handle({ session, setCookie }) {
      session.set('preferences_saved', true);
      setCookie('theme', 'dark', { maxAge: YEAR_MS, path: '/', sameSite: 'Lax' });
      setCookie('language', 'en', { maxAge: YEAR_MS, path: '/', sameSite: 'Lax' });
      return { json: { message: 'Preferences saved' } };
    },
  },
  {
    method: 'POST',
    path: '/clear-preferences',
    handle({ setCookie }) {
      setCookie('theme', '', { maxAge: 0, path: '/' });
      setCookie('language', '', { maxAge: 0, path: '/' });
      return { json: { message: 'Preferences cleared' } };
    },
  },
  {
    method: 'POST',
    path: '/clear-cookie',
    handle({ clearCookie }) {
      clearCookie('theme', { path: '/', maxAge: 5000 });
      clearCookie('scoped', { path: '/shop', domain: 'example.com' });
      return { json: { ok: true } };
    },
  },
  {
    method: 'GET',
    path: '/late-change',
    async handle({ session }) {
      // Changed once the response has gone out (the test waits for the warning).
      setTimeout(() => session.set('late', true), 20);
      return { json: { ok: true } };
    },
  },
  {
    method: 'GET',
    path: '/cookies',
    handle({ cookies }) {
      return { json: { ...cookies } };
    },
  },
  {
    method: 'POST',
    path: '/store-a-date',
    handle({ session }) {
      try {
        session.set('login_time', new Date() as never);
        return { json: { stored: true } };
      } catch (error) {
        return { json: { error: (error as Error).message, type: (error as Error).name }, status: 400 };
      }
    },
  },
  {
    // Held open inside the handler (after the session was loaded) until the test opens its gate,
    // then changes the session: `?gate=<name>&then=set|regenerate`.
    method: 'POST',
    path: '/held',
    async handle({ session, query }) {
      await gates.hold(query.get('gate') ?? 'default');
      const then = query.get('then');
      if (then === 'regenerate') session.regenerate();
      session.set(then === 'regenerate' ? 'user' : 'cart', then === 'regenerate' ? 'alice' : [1]);
      return { json: { ok: true } };
    },
  },
  {
    method: 'GET',
    path: '/regenerate-only',
    handle({ session }) {
      session.regenerate();
      return { json: { ok: true } };
    },
  },
  {
    method: 'POST',
    path: '/logout-and-ask-id',
    handle({ session }) {
      session.destroy();
      return { json: { id: session.getSessionId() } };
    },
  },
  {
    method: 'GET',
    path: '/untouched',
    handle() {
      return { json: { ok: true } };
    },
  },
];
