import type { Request, Response } from 'express';
import { FORM_TOKEN_FIELD, formToken } from '../auth/csrf.js';
import { currentUser } from '../auth/login-session.js';
import { Cart } from '../cart/cart.js';
import { safeHtml } from './templates.js';

/**
 * Renders a page with what the layout needs: the flash message (read once, so a refresh no longer
 * shows it), the user, the cart badge, the cookie preferences and `form_token()` for forms.
 */
export function renderPage(
  req: Request,
  res: Response,
  template: string,
  context: Record<string, unknown> = {},
): void {
  const { session } = req;
  res.set('cache-control', 'no-store');
  res.render(template, {
    flash_message: session.getFlash('message'),
    flash_type: session.getFlash('message_type', 'info'),
    user: currentUser(session),
    cart_count: Cart.of(session).summary().item_count,
    theme: req.cookies.theme ?? 'light',
    language: req.cookies.language ?? 'en',
    path: req.path,
    form_token: () =>
      safeHtml(
        `<input type="hidden" name="${FORM_TOKEN_FIELD}" value="${escapeAttribute(formToken(session))}">`,
      ),
    ...context,
  });
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
