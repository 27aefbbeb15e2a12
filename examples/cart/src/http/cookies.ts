import { parseCookies } from '@tina4/session-core';
import type { Request } from 'express';

/**
 * The request's cookies. The session middleware parses them into `req.cookies`; a request that
 * failed before it ran (a bad body, answered with an error page) has them parsed here, the same way.
 */
export function cookiesOf(req: Request): Record<string, string> {
  if (req.cookies === undefined) req.cookies = parseCookies(req.headers.cookie);
  return req.cookies;
}
