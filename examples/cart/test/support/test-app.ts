import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CookieJar } from '@tina4/test-http';
import { type AppOptions, type CartApp, createApp } from '../../src/app.js';

/** A fixed secret, so that tests do not print the development warning. */
export const TEST_JWT_SECRET = 'test-secret-for-remember-me-tokens-0123456789';

export interface TestApp {
  readonly app: CartApp;
  readonly url: string;
  /** The file store's directory, a fresh temporary one. */
  readonly sessionDir: string;
  /** The app's data directory (remember-me tokens), a fresh temporary one unless one was given. */
  readonly dataDir: string;
  /** What the app logged (warnings and errors). */
  readonly logs: string[];
  /** A new browser, as far as cookies go. */
  jar(): CookieJar;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  session?: AppOptions['session'];
  /** A data directory to share between app instances (a restart); removed by the caller. */
  dataDir?: string;
  loginLimit?: AppOptions['loginLimit'];
  rememberMeReuseLeewayMs?: number;
}

/**
 * Starts the app on a free port with file sessions in a temporary directory. Only the given
 * variables are visible to it (no `.env`, no process environment), so a developer's `.env` cannot
 * change what the tests see.
 */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const sessionDir = await mkdtemp(join(tmpdir(), 'cart-sessions-'));
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'cart-data-')));
  const logs: string[] = [];
  const record = (...args: unknown[]) => logs.push(args.map(String).join(' '));
  const app = createApp({
    env: { NODE_ENV: 'test', TINA4_JWT_SECRET: TEST_JWT_SECRET, ...options.env },
    session: { backend: 'file', path: sessionDir, ...options.session },
    logger: { warn: record, error: record },
    dataDir,
    ...(options.loginLimit && { loginLimit: options.loginLimit }),
    ...(options.rememberMeReuseLeewayMs !== undefined && {
      rememberMeReuseLeewayMs: options.rememberMeReuseLeewayMs,
    }),
  });
  await app.sessions.ready;
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    app,
    url,
    sessionDir,
    dataDir,
    logs,
    jar: () => new CookieJar(url),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await app.sessions.close();
      await rm(sessionDir, { recursive: true, force: true });
      if (ownDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The form token embedded in a page's forms. */
export function formTokenIn(html: string): string {
  const match = /name="form_token" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('The page has no form token.');
  return match[1];
}

/**
 * The hidden fields of the page's first form posting to `action` (for a product's form, the one
 * whose `product_id` is `productId`): what a browser submits besides what the shopper typed.
 */
export function hiddenFieldsOf(html: string, action: string, productId?: number): Record<string, string> {
  const forms = html.match(/<form\b[^>]*>[\s\S]*?<\/form>/g) ?? [];
  for (const form of forms) {
    if (!new RegExp(`action="${action.replace(/[/]/g, '\\/')}"`).test(form)) continue;
    const fields: Record<string, string> = {};
    for (const input of form.match(/<input\b[^>]*type="hidden"[^>]*>/g) ?? []) {
      const name = /name="([^"]*)"/.exec(input)?.[1];
      const value = /value="([^"]*)"/.exec(input)?.[1];
      if (name !== undefined) fields[name] = decodeEntities(value ?? '');
    }
    if (productId === undefined || fields.product_id === String(productId)) return fields;
  }
  throw new Error(
    `The page has no form posting to ${action}${productId ? ` for product ${productId}` : ''}.`,
  );
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The flash message shown on a page, or undefined. */
export function flashIn(html: string): { type: string; message: string } | undefined {
  const match = /<div class="alert alert-([a-z]+)"[^>]*>\s*([^<]*?)\s*<\/div>/.exec(html);
  return match ? { type: match[1]!, message: match[2]! } : undefined;
}
