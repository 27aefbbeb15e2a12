import { describe, expect, it } from '@jest/globals';
import { SessionCookieWriter } from '../src/cookies/session-cookie.js';
import { generateSessionId, resolveSessionConfig, serializeCookie } from '../src/index.js';

const withoutExpires = (cookie: string) => cookie.replace(/; Expires=[^;]+/, '; Expires=…');
const expiresOf = (cookie: string) => Date.parse(/; Expires=([^;]+)/.exec(cookie)?.[1] ?? '');

describe('SessionCookieWriter', () => {
  it.each([
    { env: {} },
    { env: { TINA4_SESSION_SECURE: 'true', TINA4_SESSION_SAMESITE: 'None', TINA4_SESSION_NAME: 'shop_sid' } },
    { env: { TINA4_SESSION_HTTPONLY: 'false', TINA4_SESSION_SAMESITE: 'strict', TINA4_SESSION_TTL: '60' } },
    { env: {}, cookieDomain: 'example.com' },
  ])('writes what the cookie library writes for the same options (%j)', ({ env, cookieDomain }) => {
    const config = resolveSessionConfig({ envFile: false, env, ...(cookieDomain && { cookieDomain }) });
    const writer = new SessionCookieWriter(config);
    const { name, path, httpOnly, sameSite, domain } = config.cookie;
    const id = generateSessionId();
    for (const secure of [true, false]) {
      const common = { path, httpOnly, sameSite, secure, ...(domain !== undefined && { domain }) };
      const live = writer.live(id, secure);
      const expected = serializeCookie(name, id, { ...common, maxAge: config.ttlSeconds * 1000 });
      // The expiry date may tick over a second between the two calls: compare it apart.
      expect(withoutExpires(live)).toBe(withoutExpires(expected));
      expect(Math.abs(expiresOf(live) - expiresOf(expected))).toBeLessThanOrEqual(1000);
      expect(writer.expired(secure)).toBe(serializeCookie(name, '', { ...common, maxAge: 0 }));
    }
  });

  it('refuses a domain the cookie library refuses', () => {
    const config = resolveSessionConfig({ envFile: false, env: {}, cookieDomain: 'bad domain;' });
    expect(() => new SessionCookieWriter(config)).toThrow(TypeError);
  });
});
