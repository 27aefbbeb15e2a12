import type { Server } from 'node:http';
import { type Endpoints, endpointsFromEnv } from '../endpoints.js';
import { type Framework, findVariant, type SessionLibrary, type Variant } from '../variants.js';

/** What a server file receives: its variant (argv[2]) and the store endpoints (environment). */
export interface ServerContext {
  readonly variant: Variant;
  readonly endpoints: Endpoints;
  /** In-process I/O counts when a counter is preloaded (store-operation count), else undefined. */
  localIo(): LocalIoCounts | undefined;
}

/** A started server: its port, and how to stop it (closing its store connections). */
export interface StartedServer {
  readonly port: number;
  close(): Promise<void>;
}

/** The line a server prints on stdout once it accepts requests; the runner waits for it. */
export interface ReadyLine {
  readonly ready: number;
}

/** The line a server prints when it cannot start; the runner reports the variant as not available. */
export interface FailedLine {
  readonly failed: string;
}

/** Calls by name since start, from the preloaded counters (`count-*.ts`); the runner takes differences. */
export interface LocalIoCounts {
  /** `node:fs` calls (file stores). */
  readonly fs?: Record<string, number>;
  /** better-sqlite3 statement executions by SQL verb (SQLite runs inside the server process). */
  readonly sqlite?: Record<string, number>;
}

/** Where the counters are published by the preloaded modules. */
export interface LocalIoGlobals {
  __benchFsCalls?: Record<string, number>;
  __benchSqliteStatements?: Record<string, number>;
}

/** Serves {@link LocalIoCounts} as JSON; it never touches the session. */
export const LOCAL_IO_ROUTE = '/__bench/io';

function localIo(): LocalIoCounts | undefined {
  const globals = globalThis as LocalIoGlobals;
  if (!globals.__benchFsCalls && !globals.__benchSqliteStatements) return undefined;
  return { fs: globals.__benchFsCalls, sqlite: globals.__benchSqliteStatements };
}

/**
 * Runs a server file: starts `start` for the variant named on the command line (which must be one
 * of the file's framework and libraries), prints the ready
 * line (or the failure line and exits 1), and closes cleanly on SIGTERM/SIGINT.
 */
export async function serve(
  framework: Framework,
  libraries: readonly SessionLibrary[],
  start: (context: ServerContext) => Promise<StartedServer>,
): Promise<void> {
  let server: StartedServer;
  try {
    const variant = findVariant(process.argv[2] ?? '');
    if (variant.framework !== framework || !libraries.includes(variant.library)) {
      throw new Error(`${variant.name} is not served by this file (${framework}: ${libraries.join(', ')}).`);
    }
    const context: ServerContext = {
      variant,
      endpoints: endpointsFromEnv(process.env),
      localIo,
    };
    server = await start(context);
  } catch (error) {
    const failed: FailedLine = { failed: error instanceof Error ? error.message : String(error) };
    process.stdout.write(`${JSON.stringify(failed)}\n`);
    process.exit(1);
  }
  const ready: ReadyLine = { ready: server.port };
  process.stdout.write(`${JSON.stringify(ready)}\n`);

  const stop = (): void => {
    const timer = setTimeout(() => process.exit(0), 3000);
    timer.unref();
    server.close().then(
      () => process.exit(0),
      () => process.exit(0),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** Listens on an ephemeral loopback port; resolves with the port, rejects on a listen error. */
export function listenOnLoopback(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('no TCP address'));
      else resolve(address.port);
    });
  });
}

/** Closes a server, ending its idle keep-alive connections so that the close does not wait for them. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
