import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import type { Expectation, HttpStep } from './markdown-blocks.js';

/** This package's directory: blocks are written below it, so that its dependencies resolve. */
export const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));
export const REPOSITORY_ROOT = join(PACKAGE_DIR, '..', '..');
const TSX = pathToFileURL(createRequire(join(PACKAGE_DIR, 'package.json')).resolve('tsx')).href;

/** A block running as `node --import tsx block.ts`. */
export interface Running {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  output(): string;
}

const children = new Set<ChildProcess>();

/** Writes `code` to `<dir>/block.ts` (its own directory: the file store writes `./sessions` there). */
export async function writeBlock(dir: string, code: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'block.ts');
  await writeFile(file, code);
  return file;
}

/** Runs a block file with tsx, in its directory, with `env` over ours (less the variables apps read). */
export function runBlock(file: string, env: Record<string, string>): Running {
  const child = spawn(process.execPath, ['--import', TSX, file], {
    cwd: join(file, '..'),
    env: { ...inheritedEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve(code ?? (signal ? null : code));
    }),
  );
  return { child, exited, output: () => output };
}

/** Our environment without what the blocks read, so that each block gets only what its markers say. */
function inheritedEnv(): Record<string, string | undefined> {
  const read = /^(TINA4_|PORT$|NODE_ENV$|DATABASE_URL$|NODE_OPTIONS$|REDIS_URL$|SESSION_SECRET$)/;
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !read.test(name)));
}

/** Stops a block's process (SIGTERM, then SIGKILL after 5 s) and waits for it. */
export async function stop(running: Running): Promise<void> {
  const { child } = running;
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await running.exited;
  clearTimeout(killer);
}

/** Stops whatever is still running (after a failed test). */
export async function stopAll(): Promise<void> {
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

/** Waits until the process exits, or fails after `timeoutMs`. */
export async function waitForExit(running: Running, timeoutMs: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(new Error(`The block did not finish within ${timeoutMs} ms. Output:\n${running.output()}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([running.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits until something accepts connections on `localhost:port`; fails if the process exits first. */
export async function waitForPort(running: Running, port: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (running.child.exitCode !== null || running.child.signalCode !== null) {
      throw new Error(
        `The block exited (${running.child.exitCode}) before listening. Output:\n${running.output()}`,
      );
    }
    if (await accepts(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `The block did not listen on port ${port} within ${timeoutMs} ms. Output:\n${running.output()}`,
  );
}

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

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A browser for one block: keeps the cookies its responses set, drops the ones they expire. */
export class CookieJar {
  readonly #cookies = new Map<string, string>();
  readonly #baseUrl: string;

  constructor(baseUrl: string) {
    this.#baseUrl = baseUrl;
  }

  async send(step: HttpStep): Promise<Response> {
    const headers = new Headers(step.headers);
    if (this.#cookies.size > 0) {
      headers.set('cookie', [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    }
    let body: string | undefined;
    if (step.body?.type === 'json') {
      headers.set('content-type', 'application/json');
      body = step.body.text;
    } else if (step.body?.type === 'form') {
      headers.set('content-type', 'application/x-www-form-urlencoded');
      body = step.body.text;
    }
    const response = await fetch(new URL(step.path, this.#baseUrl), {
      method: step.method,
      headers,
      redirect: 'manual',
      ...(body !== undefined && { body }),
    });
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0] ?? '';
      const equals = pair.indexOf('=');
      const name = pair.slice(0, equals).trim();
      const value = pair.slice(equals + 1).trim();
      const expired = /;\s*max-age=0\b/i.test(line) || /;\s*expires=[^;]*1970/i.test(line) || value === '';
      if (expired) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
    return response;
  }
}

/** What is wrong with `response` given `expect`, or undefined when it matches. */
export async function mismatch(response: Response, expect: Expectation): Promise<string | undefined> {
  const body = await response.text();
  const problems: string[] = [];
  if (expect.status !== undefined) {
    if (response.status !== expect.status)
      problems.push(`status ${response.status}, expected ${expect.status}`);
  } else if (response.status >= (expect.maxStatus ?? 300)) {
    problems.push(`status ${response.status}, expected one below ${expect.maxStatus ?? 300}`);
  }
  if (expect.location !== undefined) {
    const location = response.headers.get('location') ?? '';
    if (location !== expect.location && !location.endsWith(expect.location)) {
      problems.push(`Location "${location}", expected "${expect.location}"`);
    }
  }
  for (const [name, text] of expect.headerContains) {
    const values =
      name === 'set-cookie' ? response.headers.getSetCookie() : [response.headers.get(name) ?? ''];
    if (!values.some((value) => value.includes(text))) {
      problems.push(`${name} ${JSON.stringify(values)} does not contain "${text}"`);
    }
  }
  if (expect.json !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      problems.push('the body is not JSON');
    }
    if (parsed !== undefined && !matches(parsed, expect.json)) {
      problems.push(`the body does not match ${JSON.stringify(expect.json)}`);
    }
  }
  if (expect.text !== undefined && !body.includes(expect.text))
    problems.push(`the body lacks "${expect.text}"`);
  if (expect.exactText !== undefined && body.trim() !== expect.exactText) {
    problems.push(`the body is not ${JSON.stringify(expect.exactText)}`);
  }
  return problems.length === 0 ? undefined : `${problems.join('; ')}. Body: ${body.slice(0, 500)}`;
}

/** Objects match when every listed property matches (recursively); anything else must be equal. */
function matches(actual: unknown, expected: unknown): boolean {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    return Object.entries(expected).every(([key, value]) =>
      matches((actual as Record<string, unknown>)[key], value),
    );
  }
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((value, index) => matches(actual[index], value))
    );
  }
  return isDeepStrictEqual(actual, expected);
}
