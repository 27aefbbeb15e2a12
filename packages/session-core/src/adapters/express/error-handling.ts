import type { IncomingMessage, ServerResponse } from 'node:http';
import { type SessionHttpError, sessionHttpError } from '../../http/error-response.js';

/** The parts of an Express app's router that say whether the app handles errors itself. */
interface ExpressLike {
  readonly router?: { readonly stack?: readonly { readonly handle?: { readonly length: number } }[] };
  readonly _router?: ExpressLike['router'];
}

/**
 * Whether the request's Express app has error-handling middleware of its own (`app.use((err, req,
 * res, next) => ...)`, four parameters) at the app level. A plain `node:http` request has none.
 */
export function appHandlesErrors(req: IncomingMessage): boolean {
  const app = (req as IncomingMessage & { app?: ExpressLike }).app;
  // Express 5 keeps the router at `app.router`, Express 4 at `app._router`.
  const stack = (app?.router ?? app?._router)?.stack;
  return stack?.some((layer) => layer.handle?.length === 4) ?? false;
}

/**
 * A session failure for an app of its own error pages goes to `next(err)` (a {@link SessionHttpError}:
 * status 503 or 500, `Retry-After`, a stable `code`); without one, the library's JSON answers it. An
 * error that is not the library's goes to `next` as it is.
 */
export function failRequest(
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => unknown,
  error: unknown,
): void {
  const httpError = sessionHttpError(error);
  if (!httpError) {
    next(error);
    return;
  }
  if (appHandlesErrors(req)) {
    next(httpError);
    return;
  }
  const response = httpError.toResponse();
  res.writeHead(response.status, response.headers).end(response.body);
}

/** Hands a commit's failure to the app's error handling when it has one; false otherwise. */
export type PassOnError = (error: SessionHttpError) => boolean;
