import { createServer as createHttpsServer } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sessionKeyOf } from '@tina4/session-core';
import { sessions } from '@tina4/session-core/express';
import express from 'express';
import { ADAPTERS, startTinyApp } from './support/apps.js';
import { captureLogger } from './support/capture-logger.js';
import { DEMO_USER, newCart, postJson, startCart, submitForm, visit } from './support/cart-app.js';
import { printFigures } from './support/figures.js';
import { idOf, SESSION_COOKIE, setCookieHeader, writeUrl } from './support/http.js';
import { availableStores, disposeAll, memoryTarget } from './support/stores.js';
import {
  type Certificate,
  httpsFetch,
  listenHttps,
  selfSignedCertificate,
  startTlsProxy,
} from './support/tls.js';

/**
 * Security properties, by behaviour: session fixation is defeated by the login's regenerate, the
 * cookie carries the production attributes, `Secure` follows HTTPS (also behind a TLS-terminating
 * proxy, and only when the proxy is trusted), raw session ids are never stored nor logged, and the
 * cart's form token is checked strictly.
 */

const { targets } = await availableStores();
afterAll(() => disposeAll(targets));

/** The session cookie's attributes, by lower-case name (`secure`, `httponly`, `samesite`, ...). */
function attributesOf(header: string | undefined): Record<string, string> {
  if (!header) return {};
  const [, ...parts] = header.split(';').map((part) => part.trim());
  return Object.fromEntries(
    parts.map((part) => {
      const [name = '', value = ''] = part.split('=');
      return [name.toLowerCase(), value];
    }),
  );
}

describe.each(targets.map((target) => [target.name, target] as const))(
  'session fixation on the %s store',
  (name, target) => {
    it('an id from before the login is worthless after it, and its record is gone', async () => {
      const logger = captureLogger();
      const cart = await startCart(await target.options(), {}, logger);
      try {
        // The attacker gets a session from the site (an anonymous page view creates none: a cart
        // add does) and plants its cookie in the victim's browser.
        const plantedCookie = await newCart(cart.url);
        const plantedId = idOf(plantedCookie);
        expect(await target.backdoor.fields(sessionKeyOf(plantedId))).toBeDefined();
        const planted = await visit(cart.url, '/login', plantedCookie);
        expect(planted.token).toBeDefined();

        // The victim logs in with the planted cookie.
        const login = await submitForm(
          cart.url,
          '/login',
          { ...DEMO_USER, form_token: planted.token! },
          planted.cookies,
        );
        expect(login.status).toBe(303);
        expect(login.location).toBe('/dashboard');
        const victimId = idOf(login.cookie!);
        expect(victimId).not.toBe(plantedId);
        expect((await visit(cart.url, '/dashboard', login.cookies)).status).toBe(200);

        // The attacker's copy of the old id: not logged in, and nothing of the victim's is behind it.
        const attacker = await visit(cart.url, '/dashboard', plantedCookie);
        expect(attacker.status).toBe(302);
        expect(attacker.location).toBe('/login');
        expect(await target.backdoor.fields(sessionKeyOf(plantedId))).toBeUndefined();

        // Neither id is stored or logged in the clear; the victim's record is there under its hash.
        const dump = await target.backdoor.dump();
        expect(dump).toContain(sessionKeyOf(victimId));
        for (const id of [plantedId, victimId]) {
          expect(dump).not.toContain(id);
          expect(logger.text()).not.toContain(id);
        }
        printFigures('security: fixation', name, {
          oldIdWorks: attacker.status === 200,
          oldRecordLeft: false,
          rawIdsInStore: 0,
          rawIdsInLog: 0,
        });
      } finally {
        await cart.close();
      }
    });
  },
);

describe('cookie attributes in production', () => {
  const memory = memoryTarget();
  afterAll(() => memory.dispose());

  it.each(ADAPTERS)('Secure, HttpOnly and SameSite from the environment through %s', async (adapter) => {
    const seen: Record<string, Record<string, string>> = {};
    const variants: Record<string, Record<string, string>> = {
      'secure strict': { TINA4_SESSION_SECURE: 'true', TINA4_SESSION_SAMESITE: 'strict' },
      'secure none': { TINA4_SESSION_SECURE: 'yes', TINA4_SESSION_SAMESITE: 'NONE' },
      'not http-only': {
        TINA4_SESSION_SECURE: '1',
        TINA4_SESSION_HTTPONLY: 'false',
        TINA4_SESSION_TTL: '600',
      },
    };
    for (const [variant, env] of Object.entries(variants)) {
      const app = await startTinyApp(adapter, await memory.options({ env }));
      try {
        const response = await fetch(writeUrl(app.url, 'k', 1), { method: 'POST' });
        seen[variant] = attributesOf(setCookieHeader(response));
      } finally {
        await app.close();
      }
    }
    printFigures('security: production cookie attributes', `memory via ${adapter}`, seen);
    expect(seen['secure strict']).toMatchObject({
      secure: '',
      httponly: '',
      samesite: 'Strict',
      path: '/',
      'max-age': '3600',
    });
    expect(seen['secure none']).toMatchObject({ secure: '', httponly: '', samesite: 'None' });
    expect(seen['not http-only']).toMatchObject({ secure: '', 'max-age': '600' });
    expect(seen['not http-only']).not.toHaveProperty('httponly');
  });

  it.each(ADAPTERS)('refuses SameSite=None without Secure at start-up through %s', async (adapter) => {
    await expect(
      startTinyApp(adapter, await memory.options({ env: { TINA4_SESSION_SAMESITE: 'None' } })),
    ).rejects.toThrow('TINA4_SESSION_SECURE=true');
  });

  it('the cart example in production marks its session and remember-me cookies Secure and HttpOnly', async () => {
    const cart = await startCart(await memory.options({ env: { TINA4_SESSION_SECURE: 'true' } }), {
      NODE_ENV: 'production',
    });
    try {
      const form = await visit(cart.url, '/login');
      const login = await submitForm(
        cart.url,
        '/login',
        { ...DEMO_USER, remember: '1', form_token: form.token! },
        form.cookies,
      );
      const session = attributesOf(
        login.setCookies.find((header) => header.startsWith(`${SESSION_COOKIE}=`)),
      );
      const remember = attributesOf(login.setCookies.find((header) => header.startsWith('remember_token=')));
      printFigures('security: production cookie attributes', 'cart example', { session, remember });
      expect(login.status).toBe(303);
      expect(session).toMatchObject({ secure: '', httponly: '', samesite: 'Lax' });
      expect(remember).toMatchObject({ secure: '', httponly: '', samesite: 'Lax' });
    } finally {
      await cart.close();
    }
  });
});

describe('Secure behind a TLS-terminating proxy (TINA4_SESSION_SECURE=auto)', () => {
  const memory = memoryTarget();
  let certificate: Certificate;
  beforeAll(async () => {
    certificate = await selfSignedCertificate();
  });
  afterAll(() => memory.dispose());

  it.each(ADAPTERS)(
    'sets Secure only for HTTPS, and believes X-Forwarded-Proto only from a trusted proxy (%s)',
    async (adapter) => {
      const secureFor: Record<string, boolean> = {};
      for (const trust of [true, false]) {
        const env = { TINA4_SESSION_SECURE: 'auto', TINA4_SESSION_TRUST_PROXY: String(trust) };
        const app = await startTinyApp(adapter, await memory.options({ env }));
        const proxy = await startTlsProxy(certificate, app.url);
        try {
          const viaProxy = await httpsFetch(writeUrl(proxy.url, 'k', 1), certificate, { method: 'POST' });
          const plain = await fetch(writeUrl(app.url, 'k', 1), { method: 'POST' });
          const forged = await fetch(writeUrl(app.url, 'k', 1), {
            method: 'POST',
            headers: { 'x-forwarded-proto': 'https' },
          });
          const cookieOf = (headers: string[]) =>
            headers.find((header) => header.startsWith(`${SESSION_COOKIE}=`));
          secureFor[`https via proxy, trust ${trust}`] =
            'secure' in attributesOf(cookieOf(viaProxy.headers['set-cookie'] ?? []));
          secureFor[`plain http, trust ${trust}`] =
            'secure' in attributesOf(cookieOf(plain.headers.getSetCookie()));
          secureFor[`http claiming https, trust ${trust}`] =
            'secure' in attributesOf(cookieOf(forged.headers.getSetCookie()));
          expect(viaProxy.status).toBe(200);
        } finally {
          await proxy.close();
          await app.close();
        }
      }
      printFigures('security: Secure with a TLS-terminating proxy', `memory via ${adapter}`, secureFor);
      expect(secureFor).toEqual({
        'https via proxy, trust true': true,
        'plain http, trust true': false,
        // A trusted proxy is the only way in: what it forwards is believed.
        'http claiming https, trust true': true,
        'https via proxy, trust false': false,
        'plain http, trust false': false,
        'http claiming https, trust false': false,
      });
    },
  );

  it('sets Secure on an app served over HTTPS directly, without any proxy header', async () => {
    const middleware = sessions(await memory.options({ env: { TINA4_SESSION_SECURE: 'auto' } }));
    const app = express();
    app.use(middleware);
    app.post('/write', (req, res) => {
      req.session.set('k', 1);
      res.json({ ok: true });
    });
    const server = await listenHttps(createHttpsServer(certificate, app));
    try {
      const answer = await httpsFetch(`${server.url}/write`, certificate, { method: 'POST' });
      const cookie = (answer.headers['set-cookie'] ?? []).find((header) =>
        header.startsWith(`${SESSION_COOKIE}=`),
      );
      expect(attributesOf(cookie)).toHaveProperty('secure');
    } finally {
      await server.close();
      await middleware.close();
    }
  });
});

describe("the cart's form token", () => {
  it('refuses missing, wrong, shorter, longer, repeated and foreign tokens, and still takes the right one', async () => {
    const memory = memoryTarget();
    const cart = await startCart(await memory.options());
    try {
      const page = await visit(cart.url, '/login');
      const other = await visit(cart.url, '/login');
      const token = page.token!;
      const flipped = (token[0] === 'A' ? 'B' : 'A') + token.slice(1);
      const attempts: Record<string, Record<string, string | string[]>> = {
        missing: {},
        empty: { form_token: '' },
        'wrong, same length': { form_token: flipped },
        'one character short': { form_token: token.slice(0, -1) },
        'one character long': { form_token: `${token}A` },
        'other case': {
          form_token: token.toUpperCase() === token ? token.toLowerCase() : token.toUpperCase(),
        },
        'another browser’s': { form_token: other.token! },
        'sent twice': { form_token: [token, token] },
        huge: { form_token: token.repeat(200) },
        'NUL byte': { form_token: `${token}\u0000` },
      };
      const statuses: Record<string, number> = {};
      for (const [attempt, fields] of Object.entries(attempts)) {
        statuses[attempt] = (
          await submitForm(cart.url, '/login', { ...DEMO_USER, ...fields }, page.cookies)
        ).status;
      }
      // A JSON client needs no form token (browsers cannot send cross-site JSON without CORS).
      const json = await postJson(`${cart.url}/cart/add`, { product_id: 1 }, page.cookies);
      const right = await submitForm(cart.url, '/login', { ...DEMO_USER, form_token: token }, page.cookies);
      printFigures('security: form token', 'cart example (memory)', {
        refused: statuses,
        jsonAdd: json.status,
        right: right.status,
      });
      // Refused: 403, or 413 for a token too long for the body limit.
      for (const [attempt, status] of Object.entries(statuses))
        expect([attempt, status]).toEqual([attempt, attempt === 'huge' ? expect.any(Number) : 403]);
      expect([403, 413]).toContain(statuses.huge);
      expect(json.status).toBe(201);
      expect(right.status).toBe(303);
      expect(right.location).toBe('/dashboard');
    } finally {
      await cart.close();
      await memory.dispose();
    }
  });
});
