import { createServer } from 'node:http';
import { createApp } from '@tina4/example-cart';
import type { SessionOptions } from '@tina4/session-core';
import { listen } from './apps.js';
import { type CapturedLogger, captureLogger } from './capture-logger.js';
import { cookieSetBy, SESSION_COOKIE } from './http.js';

/** A JWT secret for the remember-me cookie: the app refuses short ones. */
export const TEST_JWT_SECRET = 'reliability-tests-jwt-secret-0123456789abcdef';

/** The cart example listening on a free loopback port. */
export interface RunningCart {
  readonly url: string;
  readonly logger: CapturedLogger;
  close(): Promise<void>;
}

/**
 * Starts the cart example on the given session options (a store target's, plus the test's
 * settings). `env` holds the app's own variables (NODE_ENV, ...); the sessions read theirs from
 * `session.env` only, never from the machine.
 */
export async function startCart(
  session: SessionOptions,
  env: Record<string, string> = {},
  logger: CapturedLogger = captureLogger(),
): Promise<RunningCart> {
  const appEnv = { NODE_ENV: 'test', TINA4_JWT_SECRET: TEST_JWT_SECRET, ...env };
  const app = createApp({ env: appEnv, logger, session: { logger, ...session } });
  await app.sessions.ready;
  const running = await listen('express', createServer(app), () => app.sessions.close());
  return { url: running.url, logger, close: running.close };
}

/** `POST <path>` with a JSON body (and a cookie): the status, the JSON answer and any new session cookie. */
export async function postJson(
  url: string,
  body: unknown,
  cookie?: string,
): Promise<{
  status: number;
  json: Record<string, unknown>;
  cookie: string | undefined;
  retryAfter: string | null;
}> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(cookie && { cookie }) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { unparsed: text };
  }
  return {
    status: response.status,
    json,
    cookie: cookieSetBy(response),
    retryAfter: response.headers.get('retry-after'),
  };
}

/** The cart as `GET /cart/api` shows it. */
export interface CartSummary {
  cart: { product_id: number; name: string; price: number; quantity: number; line_total: number }[];
  grand_total: number;
  item_count: number;
}

export async function cartOf(url: string, cookie: string): Promise<CartSummary> {
  const response = await fetch(`${url}/cart/api`, { headers: { cookie, accept: 'application/json' } });
  if (response.status !== 200)
    throw new Error(`GET /cart/api answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as CartSummary;
}

/**
 * The cart, retrying while the session is still locked: a lock is released just after its
 * response has gone out, so with a tiny `TINA4_SESSION_LOCK_WAIT` the next request of the same
 * client can still find it held.
 */
export async function cartOfWhenUnlocked(url: string, cookie: string): Promise<CartSummary> {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      return await cartOf(url, cookie);
    } catch (error) {
      if (!String(error).includes('E_SESSION_LOCK_TIMEOUT') || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** A new cart session holding one Monitor Stand (product 3), and its cookie. */
export async function newCart(url: string): Promise<string> {
  const added = await postJson(`${url}/cart/add`, { product_id: 3, quantity: 1 });
  if (added.status !== 201 || !added.cookie) throw new Error(`POST /cart/add answered ${added.status}`);
  return added.cookie;
}

/** A page of the cart example fetched with a cookie: its status, redirect, new cookie and form token. */
export interface PageVisit {
  readonly status: number;
  readonly location: string | null;
  /** The session cookie (`name=value`) as it stands after the response (the new one if it set one). */
  readonly cookie: string | undefined;
  /**
   * Every cookie the browser holds after the response, as a `Cookie` header: the session cookie and
   * the form-token cookie of the cart's CSRF defence. Send this on the next request.
   */
  readonly cookies: string | undefined;
  /** The response's `Set-Cookie` headers. */
  readonly setCookies: string[];
  /** The page's form token, if it has a form. */
  readonly token: string | undefined;
  readonly html: string;
}

/** `GET <path>` like a browser without following redirects; `cookies` is the `Cookie` header to send. */
export async function visit(url: string, path: string, cookies?: string): Promise<PageVisit> {
  const response = await fetch(`${url}${path}`, {
    redirect: 'manual',
    headers: { accept: 'text/html', ...(cookies && { cookie: cookies }) },
  });
  return pageVisit(response, cookies);
}

/** Posts an HTML form (urlencoded), like a browser without following the redirect. */
export async function submitForm(
  url: string,
  path: string,
  fields: Record<string, string | string[]>,
  cookies?: string,
): Promise<PageVisit> {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const one of Array.isArray(value) ? value : [value]) body.append(name, one);
  }
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'text/html',
      ...(cookies && { cookie: cookies }),
    },
    body,
  });
  return pageVisit(response, cookies);
}

async function pageVisit(response: Response, sent: string | undefined): Promise<PageVisit> {
  const html = await response.text();
  const jar = new Map<string, string>();
  for (const pair of (sent ?? '').split(';')) {
    const name = pair.slice(0, pair.indexOf('=')).trim();
    if (name !== '') jar.set(name, pair.trim());
  }
  for (const header of response.headers.getSetCookie()) {
    const pair = header.split(';', 1)[0]!;
    const name = pair.slice(0, pair.indexOf('='));
    if (pair.endsWith('=') || /max-age=0(;|$)/i.test(header)) jar.delete(name);
    else jar.set(name, pair);
  }
  const cookies = [...jar.values()].join('; ');
  return {
    status: response.status,
    location: response.headers.get('location'),
    cookie: jar.get(SESSION_COOKIE),
    cookies: cookies === '' ? undefined : cookies,
    setCookies: response.headers.getSetCookie(),
    token: /name="form_token" value="([^"]+)"/.exec(html)?.[1],
    html,
  };
}

/** The demo user of the example's README. */
export const DEMO_USER = { email: 'alice@example.com', password: 'tina4-demo' } as const;
