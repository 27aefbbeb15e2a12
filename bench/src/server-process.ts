import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { FailedLine, ReadyLine } from './servers/bench-server.js';
import type { Variant } from './variants.js';

const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const START_TIMEOUT_MS = 30_000;
const CLOCK_TICKS_PER_SECOND =
  Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** Options of a server start. */
export interface ServerStartOptions {
  /** Store endpoints and anything else the server reads from its environment. */
  readonly env: Record<string, string>;
  /** Counters to preload for the store-operation count: `node:fs` calls, better-sqlite3 statements. */
  readonly preload?: readonly ('fs' | 'sqlite')[];
  /** Extra Node.js flags, e.g. `--cpu-prof`. */
  readonly nodeArgs?: readonly string[];
  /** Receives the server's stderr lines (warnings, store outages). */
  readonly onStderr?: (line: string) => void;
}

/** The server file that serves a variant. */
function serverFileOf(variant: Variant): string {
  const file =
    variant.library === 'anchor' ? `${variant.framework}-anchor-server.ts` : `${variant.framework}-server.ts`;
  return join('src', 'servers', file);
}

/** A variant's server, in a child process of its own, so that its CPU time can be read alone. */
export class ServerProcess {
  readonly variant: Variant;
  readonly port: number;
  readonly #child: ChildProcess;

  private constructor(variant: Variant, port: number, child: ChildProcess) {
    this.variant = variant;
    this.port = port;
    this.#child = child;
  }

  /** Starts the server and waits for its ready line; rejects with the server's reason when it cannot start. */
  static start(variant: Variant, options: ServerStartOptions): Promise<ServerProcess> {
    const args = [...(options.nodeArgs ?? []), '--import', 'tsx'];
    if (options.preload?.includes('fs')) args.push('--import', './src/servers/count-fs-calls.ts');
    if (options.preload?.includes('sqlite'))
      args.push('--import', './src/servers/count-sqlite-statements.ts');
    args.push(serverFileOf(variant), variant.name);
    const child = spawn(process.execPath, args, {
      cwd: BENCH_DIR,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stderr: string[] = [];
    createInterface({ input: child.stderr! }).on('line', (line) => {
      stderr.push(line);
      options.onStderr?.(line);
    });

    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`did not start within ${START_TIMEOUT_MS / 1000} s`));
      }, START_TIMEOUT_MS);
      const fail = (reason: string): void => {
        clearTimeout(timer);
        reject(new Error(reason));
      };
      createInterface({ input: child.stdout! }).on('line', (line) => {
        let message: Partial<ReadyLine & FailedLine>;
        try {
          message = JSON.parse(line) as Partial<ReadyLine & FailedLine>;
        } catch {
          return; // not one of ours: a library printing to stdout
        }
        if (typeof message.ready === 'number') {
          clearTimeout(timer);
          resolve(new ServerProcess(variant, message.ready, child));
        } else if (typeof message.failed === 'string') {
          fail(message.failed);
        }
      });
      child.once('exit', (code, signal) => {
        const reason = stderr
          .filter((line) => line.trim() !== '')
          .slice(-3)
          .join(' | ');
        fail(`exited (${signal ?? code}) before it was ready${reason ? `: ${reason}` : ''}`);
      });
    });
  }

  get pid(): number {
    return this.#child.pid ?? -1;
  }

  /** The process's CPU time so far (user + system, all threads), in seconds, from `/proc/<pid>/stat`. */
  cpuSeconds(): number {
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at field 3 (state).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return (utime + stime) / CLOCK_TICKS_PER_SECOND;
  }

  /** Asks the server to close (its store connections too) and waits for it to exit. */
  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
