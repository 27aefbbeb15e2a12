import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const EXAMPLE_DIR = fileURLToPath(new URL('../..', import.meta.url));
const SERVER = join(EXAMPLE_DIR, 'src', 'server.ts');
/** tsx's loader, resolved from the example, so that the server can also run from another directory. */
const TSX = pathToFileURL(createRequire(join(EXAMPLE_DIR, 'package.json')).resolve('tsx')).href;

export interface Started {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  output(): string;
}

/**
 * `node --import tsx src/server.ts`, as `pnpm start` runs it, with the given environment on top of
 * ours, in `cwd` (whose `.env` it reads).
 */
export function startServer(env: Record<string, string>, cwd = EXAMPLE_DIR): Started {
  const child = spawn(process.execPath, ['--import', TSX, SERVER], {
    cwd,
    env: { ...inheritedEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

/** Our environment without the variables the app reads, so that each test states the ones it means. */
function inheritedEnv(): Record<string, string | undefined> {
  const own = /^(TINA4_|PORT$|NODE_ENV$|DATABASE_URL$|NODE_OPTIONS$)/;
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !own.test(name)));
}

export async function waitForOutput(
  server: Started,
  pattern: RegExp,
  timeoutMs = 20_000,
): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = pattern.exec(server.output());
    if (match) return match;
    if (server.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`The server did not print ${pattern}. Output:\n${server.output()}`);
}

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Stops a server started by {@link startServer} (SIGTERM: it closes its store) and waits for it. */
export async function stopServer(server: Started): Promise<number | null> {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGTERM');
  return server.exited;
}
