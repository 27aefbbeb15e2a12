import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { readEnvFile } from '@tina4/session-core';
import { createApp, type ExampleApp } from './app.js';

/**
 * Starts the Hono example on @hono/node-server: `pnpm start` (or `node --import tsx src/server.ts`).
 * Listens on `PORT` (default 7151); sessions are configured by `TINA4_SESSION_*` from the
 * environment over `.env`.
 */
const env = { ...readEnvFile(), ...process.env };
const port = parsePort(env.PORT);

let app: ExampleApp;
try {
  app = createApp();
  await app.sessions.ready; // a missing backend package or unreachable store fails here, not on the first request
} catch (error) {
  console.error(`Cannot start the Hono example: ${messageOf(error)}`);
  process.exit(1);
}

const backend = env.TINA4_SESSION_BACKEND || 'file';
// Plain HTTP/1.1 (no `createServer` option): a node:http Server.
const server = serve({ fetch: app.fetch, port }, (info) => {
  console.log(`Tina4 Hono example listening on http://localhost:${info.port} (sessions: ${backend})`);
}) as Server;

server.on('error', (error: NodeJS.ErrnoException) => {
  console.error(
    error.code === 'EADDRINUSE'
      ? `Port ${port} is already in use. Stop the other server or start this one with PORT=<another port>.`
      : `Cannot listen on port ${port}: ${error.message}`,
  );
  process.exit(1);
});

// Ctrl+C or a process manager's stop: stop accepting requests, close the session store, exit.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close();
    server.closeAllConnections();
    app.sessions.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`Error while shutting down: ${messageOf(error)}`);
        process.exit(1);
      },
    );
  });
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 7151;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT="${raw}" is not a valid port. Use a whole number from 0 to 65535, e.g. PORT=7151.`);
    process.exit(1);
  }
  return port;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
