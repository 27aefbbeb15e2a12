import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { PUBLIC_DIR, TEMPLATES_DIR } from '../../src/app.js';
import { errorHandler } from '../../src/http/error-handler.js';
import { useTemplates } from '../../src/views/templates.js';

/**
 * The error a session store outage reaches the app's error handler with (through `next(err)`),
 * as the core describes it: a 503 with a stable code, `Retry-After` in `headers`, a safe message.
 */
export function sessionStoreError(
  code: 'E_SESSION_STORE_UNAVAILABLE' | 'E_SESSION_LOCK_TIMEOUT' = 'E_SESSION_STORE_UNAVAILABLE',
  headers: Record<string, string> = { 'Retry-After': '1' },
): Error {
  return Object.assign(new Error('The session store is unavailable. Please retry shortly.'), {
    name: 'SessionStoreUnavailableError',
    status: 503,
    statusCode: 503,
    code,
    headers,
    expose: true,
  });
}

export interface BusyApp {
  readonly url: string;
  readonly logs: string[];
  close(): Promise<void>;
}

/**
 * A tiny app with the cart's templates, styles and error handler, and routes that throw a
 * session store error: what a page of the shop looks like during an outage.
 */
export async function startBusyApp(error: () => Error = () => sessionStoreError()): Promise<BusyApp> {
  const logs: string[] = [];
  const record = (...args: unknown[]) => logs.push(args.map(String).join(' '));
  const app = express();
  useTemplates(app, TEMPLATES_DIR, { watch: false });
  app.use('/static', express.static(PUBLIC_DIR));
  app.use(express.json());
  app.use(express.urlencoded({ extended: false }));
  app.all('/{*path}', () => {
    throw error();
  });
  app.use(errorHandler({ error: record }));
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    logs,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
