import { readEnvFile } from '@tina4/session-core';
import { createApp } from './app.js';

/**
 * Starts the example shop: `pnpm start` (or `node --import tsx src/server.ts`). Listens on `PORT`
 * (default 7148) and prints the URL; configuration comes from the environment over `.env`.
 * SIGINT and SIGTERM stop it cleanly: no new connections, the session store closed, exit code 0.
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

/**
 * Under `pnpm start` in a terminal, Ctrl-C is read as a key instead of being turned into SIGINT.
 * The terminal sends SIGINT to every process of the foreground job, and pnpm runs each script
 * through `sh -c` (`pnpm start` at the root runs `pnpm --dir examples/cart start`, which runs
 * `tsx src/server.ts`): those shells die of the signal before the server has exited, whatever
 * it does, and each pnpm then reports "[ELIFECYCLE] Command failed". Read as a key, Ctrl-C stops
 * only the server, which exits with 0, and every layer above exits with 0 after it. Not under
 * `pnpm dev`, where tsx's watcher reads the keyboard itself.
 */
const keyboard = process.stdin.isTTY === true && process.env.npm_lifecycle_event === 'start';
if (keyboard) {
  process.stdin.setRawMode(true);
  process.stdin.on('data', (keys: Buffer) => {
    // Ctrl-C, Ctrl-D, Ctrl-\ stop the server (their signals and end-of-file are off in raw mode).
    if (keys.includes(0x03) || keys.includes(0x04) || keys.includes(0x1c)) void stop();
  });
  process.stdin.resume();
}

const server = app.listen(port, () => {
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const backend = env.TINA4_SESSION_BACKEND || 'file';
  console.log(`Tina4 cart example listening on http://localhost:${actualPort} (sessions: ${backend})`);
  if (keyboard) console.log('Press Ctrl-C to stop.');
});

server.on('error', (error: NodeJS.ErrnoException) => {
  console.error(
    error.code === 'EADDRINUSE'
      ? `Port ${port} is already in use. Stop the other server or start this one with PORT=<another port>.`
      : `Cannot listen on port ${port}: ${error.message}`,
  );
  process.exit(1);
});

let stopping = false;

/** Stops accepting connections, closes the session store, and exits (0 unless the store failed to close). */
async function stop(): Promise<void> {
  if (stopping) return; // a second Ctrl-C, or tsx relaying the terminal's SIGINT: already on it
  stopping = true;
  releaseKeyboard();
  server.close();
  server.closeAllConnections();
  try {
    await app.sessions.close();
    console.log('Stopped: the session store is closed.');
    process.exitCode = 0;
  } catch (error) {
    console.error(`Stopped, but the session store did not close cleanly: ${String(error)}`);
    process.exitCode = 1;
  }
  process.exit();
}

// `on`, not `once`: a second signal during the close must not kill the process with the signal.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop());

function releaseKeyboard(): void {
  if (!keyboard) return;
  process.stdin.setRawMode(false);
  process.stdin.pause();
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
