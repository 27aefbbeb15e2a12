import type { ServerResponse } from 'node:http';
import { type CookieOptions, serializeClearedCookie, serializeCookie } from '../../cookies/cookie-options.js';

/** `res.cookie(name, value, options)` as Express has it, for responses of plain `node:http`. */
export type CookieSetter<Response> = (name: string, value: string, options?: CookieOptions) => Response;

/** `res.clearCookie(name, options)` as Express has it, for responses of plain `node:http`. */
export type CookieClearer<Response> = (name: string, options?: CookieOptions) => Response;

/** Adds a `Set-Cookie` header, keeping the ones already set. */
export function appendSetCookie(res: ServerResponse, value: string): void {
  const existing = res.getHeader('set-cookie');
  if (existing === undefined) res.setHeader('set-cookie', value);
  else res.setHeader('set-cookie', [...(Array.isArray(existing) ? existing : [String(existing)]), value]);
}

/**
 * Gives a `node:http` response Express's chainable `res.cookie` and `res.clearCookie`; Express
 * keeps its own.
 */
export function ensureCookieMethods(res: ServerResponse & { cookie?: unknown; clearCookie?: unknown }): void {
  if (typeof res.cookie !== 'function') res.cookie = setCookie;
  if (typeof res.clearCookie !== 'function') res.clearCookie = clearCookie;
}

const setCookie: CookieSetter<ServerResponse> = function (this: ServerResponse, name, value, options) {
  appendSetCookie(this, serializeCookie(name, value, options));
  return this;
};

const clearCookie: CookieClearer<ServerResponse> = function (this: ServerResponse, name, options) {
  appendSetCookie(this, serializeClearedCookie(name, options));
  return this;
};
