import type { IncomingMessage, ServerResponse } from 'node:http';
import { sessionHttpError } from '../../http/error-response.js';

/** The parts of an Express app's router that say whether the app handles errors itself. */
interface ExpressLike {
  readonly router?: { readonly stack?: readonly Layer[] };
  readonly _router?: ExpressLike['router'];
}
type Layer = { readonly handle?: { readonly length: number } };

/**
 * The answer per router stack, with the stack's length when it was given: middleware is added at
 * start-up, so the walk over the stack happens once per app, and again only if the stack grew.
 */
const handlesErrors = new WeakMap<readonly Layer[], { readonly layers: number; readonly answer: boolean }>();

/**
 * Whether the request's Express app has error-handling middleware of its own (`app.use((err, req,
 * res, next) => ...)`, four parameters) at the app level. A plain `node:http` request has none.
 */
export function appHandlesErrors(req: IncomingMessage): boolean {
  const app = (req as IncomingMessage & { app?: ExpressLike }).app;
  // Express 5 keeps the router at `app.router`, Express 4 at `app._router`.
  const stack = (app?.router ?? app?._router)?.stack;
  if (!stack) return false;
  const known = handlesErrors.get(stack);
  if (known?.layers === stack.length) return known.answer;
  const answer = stack.some((layer) => layer.handle?.length === 4);
  handlesErrors.set(stack, { layers: stack.length, answer });
  return answer;
}

/**
 * A session failure for an app of its own error pages goes to `next(err)` (a `SessionHttpError`:
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
