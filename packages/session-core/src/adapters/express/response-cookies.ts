import type { ServerResponse } from 'node:http';
import { type CookieOptions, serializeCookie } from '../../cookies/cookie-options.js';

/** `res.cookie(name, value, options)` as Express has it, for responses of plain `node:http`. */
export type CookieSetter<Response> = (name: string, value: string, options?: CookieOptions) => Response;

/** Adds a `Set-Cookie` header, keeping the ones already set. */
export function appendSetCookie(res: ServerResponse, value: string): void {
  const existing = res.getHeader('set-cookie');
  if (existing === undefined) res.setHeader('set-cookie', value);
  else res.setHeader('set-cookie', [...(Array.isArray(existing) ? existing : [String(existing)]), value]);
}

/** Gives a `node:http` response Express's chainable `res.cookie`; Express keeps its own. */
export function ensureCookieMethod(res: ServerResponse & { cookie?: unknown }): void {
  if (typeof res.cookie !== 'function') res.cookie = setCookie;
}

const setCookie: CookieSetter<ServerResponse> = function (this: ServerResponse, name, value, options) {
  appendSetCookie(this, serializeCookie(name, value, options));
  return this;
};
