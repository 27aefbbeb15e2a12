import { sessionErrorCode } from '@tina4/session-core';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { layoutContext, renderPage } from '../views/render-page.js';
import { HttpError } from './http-error.js';
import { wantsHtml } from './negotiate.js';
import { safeReturnPath } from './return-to.js';

/** A 404 for every path no route answered. */
export function notFound(): RequestHandler {
  return (_req, _res, next) => next(new HttpError(404, 'Not found'));
}

const BUSY = 'The shop is busy, please try again shortly.';

/**
 * The last middleware: turns errors into answers. Client mistakes keep their status and message
 * (`{"error": "..."}` for API clients, a small page for browsers); a session store that is down
 * or busy (the core hands it over as a 503 with `Retry-After`) gets the "busy" page; anything
 * unexpected is logged and answered with a 500 that reveals nothing about the server.
 */
export function errorHandler(logger: Pick<Console, 'error'>): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const busy = sessionUnavailable(error);
    if (busy) {
      // Not logged here: the core logs an outage once when it starts and once when it ends.
      res.status(503).set({ 'retry-after': busy.retryAfter, 'cache-control': 'no-store' });
      // API clients get the core's own message (it says whether to retry); people get the page.
      if (!wantsHtml(req)) res.json({ error: busy.message, code: busy.code });
      else
        renderWithoutSession(req, res, {
          status: 503,
          message: BUSY,
          busy: true,
          retry_path: retryPath(req),
        });
      return;
    }
    const { status, message } = describe(error);
    if (status >= 500) logger.error('[cart] request failed:', error);
    res.status(status);
    if (!wantsHtml(req)) {
      res.json({ error: message });
      return;
    }
    // An error page is no place to come back to after logging in: the header's link goes to /login.
    if ((req as { session?: unknown }).session !== undefined) {
      renderPage(req, res, 'error.html', { status, message, login_next: undefined });
      return;
    }
    // Failed before the session was loaded (e.g. a bad body): a page without the session's parts.
    renderWithoutSession(req, res, { status, message });
  };
}

/**
 * An error page that does not touch the session: during an outage the session may not be
 * loaded, and reading it (a flash) would try to write to the store that just failed.
 */
function renderWithoutSession(req: Request, res: Response, context: Record<string, unknown>): void {
  const message = String(context.message);
  res.render(
    'error.html',
    { ...layoutContext(req, res), login_next: undefined, ...context },
    (renderError, html) => {
      if (renderError) res.type('text').send(message);
      else res.type('html').send(html);
    },
  );
}

/**
 * A session store outage or lock timeout: the error's code and the `Retry-After` to send (the
 * error's own when it is a number of seconds, else 1). The core marks these errors with a stable
 * code (`E_SESSION_STORE_UNAVAILABLE`, `E_SESSION_LOCK_TIMEOUT`), a 503 status, `headers` and a
 * message meant for clients (`expose`).
 */
function sessionUnavailable(
  error: unknown,
): { code: string; retryAfter: string; message: string } | undefined {
  const code = sessionErrorCode(error);
  if (code !== 'E_SESSION_STORE_UNAVAILABLE' && code !== 'E_SESSION_LOCK_TIMEOUT') return undefined;
  const { headers, expose, message } = error as { headers?: unknown; expose?: unknown; message?: unknown };
  let retryAfter = '1';
  if (typeof headers === 'object' && headers !== null) {
    for (const [name, value] of Object.entries(headers)) {
      if (name.toLowerCase() === 'retry-after' && /^\d{1,5}$/.test(String(value))) retryAfter = String(value);
    }
  }
  return { code, retryAfter, message: expose === true && typeof message === 'string' ? message : BUSY };
}

/** Where "Try again" goes: the same page for a page view, the shop after a failed form post. */
function retryPath(req: Request): string {
  return (req.method === 'GET' && safeReturnPath(req.originalUrl)) || '/cart';
}

function describe(error: unknown): { status: number; message: string } {
  if (error instanceof HttpError) return { status: error.status, message: error.message };
  // Errors of Express's body parsers carry `type`, `status` and whether their message is for clients.
  const parserError = error as { type?: unknown; status?: unknown; expose?: unknown; message?: unknown };
  if (parserError.type === 'entity.parse.failed') {
    return { status: 400, message: 'The request body is not valid JSON.' };
  }
  if (typeof parserError.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
    const message =
      parserError.expose === true && typeof parserError.message === 'string'
        ? parserError.message
        : 'Bad request';
    return { status: parserError.status, message };
  }
  return { status: 500, message: 'Something went wrong on our side. Please try again.' };
}
