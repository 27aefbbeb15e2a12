import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A TypeScript program (an example's `src/server.ts`, a documentation block) running as a child process. */
export interface ChildServer {
  readonly child: ChildProcess;
  /** The exit code; null when a signal ended the process. */
  readonly exited: Promise<number | null>;
  stdout(): string;
  stderr(): string;
  /** stdout and stderr as they came, interleaved. */
  output(): string;
}

export interface ChildServerOptions {
  /** The working directory (whose `.env` the program reads); by default the script's own. */
  cwd?: string;
  /**
   * Variables on top of the test run's, which reach the child without the ones programs read
   * (`TINA4_*`, `PORT`, ...).
   */
  env?: Record<string, string>;
}

/**
 * The variables the examples and documented programs read: not inherited from the test run, so
 * that each test states the ones it means and a developer's shell cannot change what it sees.
 */
const READ_BY_THE_PROGRAMS =
  /^(TINA4_|PORT$|NODE_ENV$|DATABASE_URL$|NODE_OPTIONS$|REDIS_URL$|SESSION_SECRET$)/;

const running = new Set<ChildServer>();

/**
 * `node --import tsx <script>`, as `pnpm start` (`tsx src/server.ts`) runs it. tsx is resolved from
 * the script's folder, as the script's own package installs it, so that any working directory works.
 */
export function startChildServer(script: string, options: ChildServerOptions = {}): ChildServer {
  const tsx = pathToFileURL(createRequire(script).resolve('tsx')).href;
  const inherited = Object.entries(process.env).filter(([name]) => !READ_BY_THE_PROGRAMS.test(name));
  const child = spawn(process.execPath, ['--import', tsx, script], {
    cwd: options.cwd ?? dirname(script),
    env: { ...Object.fromEntries(inherited), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    output += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const server: ChildServer = {
    child,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    output: () => output,
  };
  running.add(server);
  void exited.then(() => running.delete(server));
  return server;
}

function hasExited({ child }: ChildServer): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/**
 * Stops a child as a process manager does (SIGTERM: it closes its store) and waits for it; SIGKILL
 * after `graceMs`, so that a server that hangs on shutdown fails its test rather than the run.
 */
export async function stopChildServer(server: ChildServer, graceMs = 5000): Promise<number | null> {
  if (hasExited(server)) return server.exited;
  server.child.kill('SIGTERM');
  const killer = setTimeout(() => server.child.kill('SIGKILL'), graceMs);
  try {
    return await server.exited;
  } finally {
    clearTimeout(killer);
  }
}

/** Kills whatever a failed test left running (SIGKILL) and waits until it is gone. */
export async function killChildServers(): Promise<void> {
  await Promise.all(
    [...running].map((server) => {
      if (!hasExited(server)) server.child.kill('SIGKILL');
      return server.exited;
    }),
  );
}

/** Waits until the child prints `pattern` (on stdout or stderr); fails if it exits first. */
export async function waitForOutput(
  server: ChildServer,
  pattern: RegExp,
  timeoutMs = 20_000,
): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = pattern.exec(server.output());
    if (match) return match;
    if (hasExited(server)) break;
    await pause();
  }
  throw new Error(`The process did not print ${pattern}. Output:\n${server.output()}`);
}

/** Waits until something accepts connections on `localhost:port`; fails if the child exits first. */
export async function waitForPort(server: ChildServer, port: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (hasExited(server)) {
      throw new Error(
        `The process exited (${server.child.exitCode ?? server.child.signalCode}) before listening. Output:\n${server.output()}`,
      );
    }
    if (await accepts(port)) return;
    await pause();
  }
  throw new Error(
    `The process did not listen on port ${port} within ${timeoutMs} ms. Output:\n${server.output()}`,
  );
}

/** Waits until the child exits, or fails after `timeoutMs`. */
export async function waitForExit(server: ChildServer, timeoutMs: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(new Error(`The process did not finish within ${timeoutMs} ms. Output:\n${server.output()}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([server.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether `localhost:port` accepts a connection, over IPv4 or IPv6 (whichever the program listens on). */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: 'localhost', port, autoSelectFamily: true });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function pause(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 50));
}
