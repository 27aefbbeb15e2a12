import type { ErrorRequestHandler, RequestHandler } from 'express';
import { renderPage } from '../views/render-page.js';
import { HttpError } from './http-error.js';
import { wantsHtml } from './negotiate.js';

/** A 404 for every path no route answered. */
export function notFound(): RequestHandler {
  return (_req, _res, next) => next(new HttpError(404, 'Not found'));
}

/**
 * The last middleware: turns errors into answers. Client mistakes keep their status and message
 * (`{"error": "..."}` for API clients, a small page for browsers); anything unexpected is logged
 * and answered with a 500 that reveals nothing about the server.
 */
export function errorHandler(logger: Pick<Console, 'error'>): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const { status, message } = describe(error);
    if (status >= 500) logger.error('[cart] request failed:', error);
    res.status(status);
    if (!wantsHtml(req)) {
      res.json({ error: message });
      return;
    }
    if ((req as { session?: unknown }).session !== undefined) {
      renderPage(req, res, 'error.html', { status, message });
      return;
    }
    // Failed before the session was loaded (e.g. a bad body): a page without the session's parts.
    res.render('error.html', { status, message }, (renderError, html) => {
      if (renderError) res.type('text').send(message);
      else res.type('html').send(html);
    });
  };
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
