import type { Application, Request, Response } from 'express';
import { FORM_TOKEN_FIELD, type FormTokens } from '../auth/csrf.js';
import { currentUser } from '../auth/login-session.js';
import { Cart } from '../cart/cart.js';
import { PAGE_CART_FIELD } from '../cart/expired-session.js';
import { cookiesOf } from '../http/cookies.js';
import { safeHtml } from './templates.js';

/** A language tag such as `en` or `pt-BR` (what the preference cookie may hold). */
const LANGUAGE = /^[a-z]{2,3}(-[A-Z]{2})?$/;

/** Each app's form tokens, set by `createApp` (each page asks them for its forms' token). */
const FORM_TOKENS = new WeakMap<Application, FormTokens>();

export function useFormTokens(app: Application, tokens: FormTokens): void {
  FORM_TOKENS.set(app, tokens);
}

/**
 * Renders a page with what the layout needs: the flash message (read once, so a refresh no longer
 * shows it), the user, the cart badge, the cookie preferences and `form_token()` for forms.
 * Rendering a page never creates a session: a visitor who only looks costs no store write.
 */
export function renderPage(
  req: Request,
  res: Response,
  template: string,
  context: Record<string, unknown> = {},
): void {
  const { session } = req;
  const cart = Cart.of(session).summary();
  res.set('cache-control', 'no-store');
  res.render(template, {
    ...layoutContext(req, res),
    flash_message: session.getFlash('message'),
    flash_type: session.getFlash('message_type', 'info'),
    user: currentUser(session),
    cart_count: cart.item_count,
    cart_total: cart.grand_total,
    // The cart forms say what the page showed, so that a post after the session expired can tell
    // the shopper what was lost (see cart/expired-session.ts). Nothing when there was no session.
    page_cart: () =>
      session.id === null
        ? ''
        : safeHtml(`<input type="hidden" name="${PAGE_CART_FIELD}" value="${cart.item_count}">`),
    ...context,
  });
}

/**
 * What the layout needs without touching the session: the preference cookies, the path (for the
 * navigation and the login link) and `form_token()`. Error pages rendered without a session use
 * only this.
 */
export function layoutContext(req: Request, res: Response): Record<string, unknown> {
  const cookies: Record<string, string | undefined> = cookiesOf(req);
  return {
    theme: cookies.theme === 'dark' ? 'dark' : 'light',
    language: cookies.language !== undefined && LANGUAGE.test(cookies.language) ? cookies.language : 'en',
    path: req.path,
    // Where the header's "Log in" link brings the shopper back to: the page being viewed.
    login_next: req.method === 'GET' ? req.path : undefined,
    form_token: () => {
      const formTokens = FORM_TOKENS.get(req.app);
      if (!formTokens) throw new Error('renderPage: useFormTokens() was not called for this app.');
      return safeHtml(
        `<input type="hidden" name="${FORM_TOKEN_FIELD}" value="${escapeAttribute(formTokens.token(req, res))}">`,
      );
    },
  };
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
