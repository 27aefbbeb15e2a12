import { describe, expect, it } from '@jest/globals';
import { parseCookies, serializeCookie } from '../src/index.js';

describe('cookies', () => {
  it('parses and percent-decodes, first name wins, malformed pairs are skipped', () => {
    expect(parseCookies('a=1; b=hello%20world; a=2; broken; =x; c=%E0%A4%A')).toEqual({
      a: '1',
      b: 'hello world',
      c: '%E0%A4%A',
    });
    expect(parseCookies(undefined)).toEqual({});
    const hostile = parseCookies('__proto__=x; constructor=y');
    expect(Object.entries(hostile)).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ]);
    expect(Object.getPrototypeOf(hostile)).toBeNull();
  });

  it('serialises Tina4 options: maxAge in milliseconds, 0 deletes, any-case SameSite', () => {
    expect(
      serializeCookie('theme', 'dark', {
        maxAge: 60_000,
        sameSite: 'Strict',
        httpOnly: true,
        secure: true,
        domain: 'example.com',
      }),
    ).toMatch(
      /^theme=dark; Max-Age=60; Domain=example\.com; Path=\/; Expires=[^;]+ GMT; HttpOnly; Secure; SameSite=Strict$/,
    );
    expect(serializeCookie('theme', '', { maxAge: 0 })).toBe(
      'theme=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    );
    expect(serializeCookie('n', 'a b;c', { path: '/admin' })).toBe('n=a%20b%3Bc; Path=/admin');
    const expires = new Date('2030-01-01T00:00:00Z');
    expect(serializeCookie('n', 'v', { expires })).toBe('n=v; Path=/; Expires=Tue, 01 Jan 2030 00:00:00 GMT');
  });

  it('throws on names and options that cannot be in a cookie', () => {
    expect(() => serializeCookie('bad name', 'v')).toThrow(TypeError);
    expect(() => serializeCookie('n', 'v', { maxAge: Number.NaN })).toThrow(/maxAge must be a finite number/);
  });
});
