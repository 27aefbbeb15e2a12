import type { AddressInfo } from 'node:net';
import { readEnvFile } from '@tina4/session-core';
import type { FastifyInstance } from 'fastify';
import { createApp } from './app.js';

/**
 * Starts the Fastify example: `pnpm start` (or `node --import tsx src/server.ts`). Listens on `PORT`
 * (default 7150); sessions are configured by `TINA4_SESSION_*` from the environment over `.env`.
 */
const env = { ...readEnvFile(), ...process.env };
const port = parsePort(env.PORT);

let app: FastifyInstance;
try {
  app = await createApp(); // an invalid setting or a missing backend package fails here
} catch (error) {
  console.error(`Cannot start the Fastify example: ${messageOf(error)}`);
  process.exit(1);
}

try {
  await app.listen({ port });
} catch (error) {
  console.error(
    (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
      ? `Port ${port} is already in use. Stop the other server or start this one with PORT=<another port>.`
      : `Cannot listen on port ${port}: ${messageOf(error)}`,
  );
  process.exit(1);
}
const actualPort = (app.server.address() as AddressInfo).port;
const backend = env.TINA4_SESSION_BACKEND || 'file';
console.log(`Tina4 Fastify example listening on http://localhost:${actualPort} (sessions: ${backend})`);

// Ctrl+C or a process manager's stop: close the server and the session store (an onClose hook of
// the sessions plugin), then exit.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`Error while shutting down: ${messageOf(error)}`);
        process.exit(1);
      },
    );
  });
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 7150;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT="${raw}" is not a valid port. Use a whole number from 0 to 65535, e.g. PORT=7150.`);
    process.exit(1);
  }
  return port;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
