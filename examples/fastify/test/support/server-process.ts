import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const EXAMPLE_DIR = fileURLToPath(new URL('../..', import.meta.url));
const SERVER = join(EXAMPLE_DIR, 'src', 'server.ts');
/** tsx's loader, resolved from the example, as `pnpm start` (`tsx src/server.ts`) uses it. */
const TSX = pathToFileURL(createRequire(join(EXAMPLE_DIR, 'package.json')).resolve('tsx')).href;

export interface Started {
  readonly child: ChildProcess;
  /** The exit code, or the signal's name when a signal ended the process. */
  readonly exited: Promise<number | string | null>;
  stdout(): string;
  stderr(): string;
}

/** `node --import tsx src/server.ts` in the example's folder, with `env` on top of ours. */
export function startServer(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--import', TSX, SERVER], {
    cwd: EXAMPLE_DIR,
    env: { ...inheritedEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

/** Our environment without the variables the server reads, so that each test states the ones it means. */
function inheritedEnv(): Record<string, string | undefined> {
  const own = /^(TINA4_|PORT$|NODE_ENV$|DATABASE_URL$|NODE_OPTIONS$)/;
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !own.test(name)));
}

/** Waits until the server prints `pattern` (or exits). */
export async function waitForOutput(
  server: Started,
  pattern: RegExp,
  timeoutMs = 20_000,
): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = pattern.exec(server.stdout());
    if (match) return match;
    if (server.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`The server did not print ${pattern}. Output:\n${server.stdout()}${server.stderr()}`);
}

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
