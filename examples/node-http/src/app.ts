import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { SessionOptions } from '@tina4/session-core';
import {
  type SessionMiddleware,
  type SessionRequest,
  type SessionResponse,
  sessions,
} from '@tina4/session-core/express';

// What this app keeps in its sessions: `req.session.get`/`set` are type-checked against it.
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

/** The `node:http` server, plus its session middleware so that the owner can await the store and close it. */
export type ExampleApp = Server & { readonly sessions: SessionMiddleware };

/** `res.cookie` takes `maxAge` in milliseconds, as in Express and Tina4. */
const ONE_YEAR_MS = 365 * 24 * 60 * 60 * 1000;
const THEMES = ['light', 'dark'];
const MAX_BODY_BYTES = 16 * 1024;

/** An error that becomes a response with its status and message. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The example app on plain `node:http`: a visit counter, login with `regenerate()` and a flash
 * message, logout with `destroy()`, and a preference kept in a plain cookie. The Connect-style
 * middleware of `@tina4/session-core/express` gives each request `req.session` and `req.cookies`,
 * and each response Express's `res.cookie()` and `res.clearCookie()`. Throws on an invalid
 * `TINA4_SESSION_*` setting; `app.sessions.ready` rejects when the store cannot be created.
 */
export function createApp(options: AppOptions = {}): ExampleApp {
  const withSession = sessions(options.session);
  const server = createServer((req, res) => {
    // `withSession` calls the handler once the session is ready and returns what it returned (a
    // promise here), so a failure of the handler ends up in `fail`, once.
    try {
      const handled = withSession(req, res, (error) =>
        error === undefined ? route(req as SessionRequest, res as SessionResponse) : fail(res, error),
      );
      if (handled instanceof Promise) handled.catch((error: unknown) => fail(res, error));
    } catch (error) {
      fail(res, error);
    }
  });
  return Object.assign(server, { sessions: withSession });
}

async function route(req: SessionRequest, res: SessionResponse): Promise<void> {
  const { pathname } = new URL(req.url ?? '/', 'http://localhost');
  switch (`${req.method} ${pathname}`) {
    case 'GET /':
      return sendJson(res, 200, {
        routes: [
          'GET /visit',
          'POST /login {"username","password"}',
          'GET /me',
          'POST /logout',
          'GET /preferences',
          'POST /preferences {"theme"}',
          'POST /clear-preferences',
        ],
      });

    case 'GET /visit': {
      const count = req.session.get('visit_count', 0) + 1;
      req.session.set('visit_count', count);
      return sendJson(res, 200, {
        visit_count: count,
        message: `You have visited this page ${count} time${count === 1 ? '' : 's'}`,
      });
    }

    case 'POST /login': {
      const { username, password } = await readJson(req);
      if (typeof username !== 'string' || typeof password !== 'string') {
        throw new HttpError(400, 'Send {"username": "...", "password": "..."} as JSON');
      }
      if (!checkPassword(username, password)) {
        return sendJson(res, 401, { error: 'Invalid username or password' });
      }
      // A new session id on login: an id planted in the browser before (session fixation) stops working.
      req.session.regenerate();
      req.session.set('user', username);
      req.session.flash('message', `Welcome back, ${username}!`);
      // The session is saved before these headers go out, so the next request finds it.
      res.writeHead(303, { location: '/me' }).end();
      return;
    }

    case 'GET /me':
      return sendJson(res, 200, {
        user: req.session.get('user', null),
        // Shown once: reading a flash value removes it.
        message: req.session.getFlash('message', null),
      });

    case 'POST /logout':
      // Deletes the record and sends an expiring session cookie.
      req.session.destroy();
      return sendJson(res, 200, { message: 'Logged out' });

    case 'GET /preferences':
      return sendJson(res, 200, { theme: req.cookies.theme ?? 'light' });

    case 'POST /preferences': {
      const { theme } = await readJson(req);
      if (typeof theme !== 'string' || !THEMES.includes(theme)) {
        throw new HttpError(400, `theme must be one of: ${THEMES.join(', ')}`);
      }
      res.cookie('theme', theme, { path: '/', maxAge: ONE_YEAR_MS, sameSite: 'Lax' });
      return sendJson(res, 200, { message: 'Preferences saved', theme });
    }

    case 'POST /clear-preferences':
      res.clearCookie('theme', { path: '/' });
      return sendJson(res, 200, { message: 'Preferences cleared' });

    default:
      throw new HttpError(404, `No route for ${req.method} ${pathname}`);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

/** An `HttpError` as its status and message; anything else as a 500, logged. */
function fail(res: ServerResponse, error: unknown): void {
  if (!(error instanceof HttpError)) console.error(error);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const status = error instanceof HttpError ? error.status : 500;
  const message = error instanceof HttpError ? error.message : 'Internal Server Error';
  sendJson(res, status, { error: message });
}

/** The request's body as a JSON object (400 when it is not one, 413 when it is too large). */
function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk); // the rest is read and dropped
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, `The body is larger than ${MAX_BODY_BYTES} bytes`));
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
        resolve(body as Record<string, unknown>);
      } else reject(new HttpError(400, 'The body must be a JSON object'));
    });
  });
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
