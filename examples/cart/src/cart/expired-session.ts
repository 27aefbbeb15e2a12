import type { Request, RequestHandler, Response } from 'express';

/**
 * The hidden field of the cart page's forms that says how many items the page showed. It is
 * there only when the page was rendered in a live session.
 */
export const PAGE_CART_FIELD = 'page_cart';

/**
 * Middleware, right after the session's: notes whether the request arrived in a live session,
 * before anything (a remember-me login, a flash) starts a new one.
 */
export function noteSessionAtStart(): RequestHandler {
  return (req, res, next) => {
    res.locals.sessionAtStart = req.session.id !== null;
    next();
  };
}

/**
 * When a form was posted from a page rendered in a session that has ended since (expired after
 * an idle hour, usually, so the browser no longer even sends its cookie): the number of items
 * that page showed in the cart, which are gone. `undefined` for every other request.
 */
export function itemsLostWithSession(req: Request, res: Response): number | undefined {
  if (res.locals.sessionAtStart !== false) return undefined;
  const shown = (req.body as Record<string, unknown> | undefined)?.[PAGE_CART_FIELD];
  return typeof shown === 'string' && /^\d{1,6}$/.test(shown) ? Number(shown) : undefined;
}
