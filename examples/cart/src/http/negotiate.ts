import type { Request } from 'express';

/** Whether the request is an HTML form submission (what a page without JavaScript sends). */
export function isFormPost(req: Request): boolean {
  return (
    req.method === 'POST' &&
    req.is('application/x-www-form-urlencoded') === 'application/x-www-form-urlencoded'
  );
}

/**
 * Whether to answer with a page (or a redirect to one) rather than JSON: form posts and browsers
 * navigating do; API clients (a JSON body, `Accept: application/json`, curl's `*\/*`) get JSON.
 */
export function wantsHtml(req: Request): boolean {
  if (isFormPost(req)) return true;
  if (req.is('application/json')) return false;
  return req.accepts(['json', 'html']) === 'html';
}
