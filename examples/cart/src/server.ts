import { readEnvFile } from '@tina4/session-core';
import { createApp } from './app.js';

/**
 * Starts the example shop: `pnpm start` (or `node --import tsx src/server.ts`). Listens on `PORT`
 * (default 7148) and prints the URL; configuration comes from the environment over `.env`.
 */
const env = { ...readEnvFile(), ...process.env };
const port = parsePort(env.PORT);

let app: ReturnType<typeof createApp>;
try {
  app = createApp({ env });
  await app.sessions.ready; // a missing backend package or unreachable store fails here, not on the first request
} catch (error) {
  console.error(`Cannot start the cart example: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

const server = app.listen(port, () => {
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const backend = env.TINA4_SESSION_BACKEND || 'file';
  console.log(`Tina4 cart example listening on http://localhost:${actualPort} (sessions: ${backend})`);
});

server.on('error', (error: NodeJS.ErrnoException) => {
  console.error(
    error.code === 'EADDRINUSE'
      ? `Port ${port} is already in use. Stop the other server or start this one with PORT=<another port>.`
      : `Cannot listen on port ${port}: ${error.message}`,
  );
  process.exit(1);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close();
    server.closeAllConnections();
    void app.sessions.close().finally(() => process.exit(0));
  });
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 7148;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT="${raw}" is not a valid port. Use a whole number from 0 to 65535, e.g. PORT=7148.`);
    process.exit(1);
  }
  return port;
}
