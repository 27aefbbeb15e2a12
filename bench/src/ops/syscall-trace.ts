import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** Whether `strace` can be run here (it is optional: without it the file stores' system calls are not counted). */
export function straceAvailable(): boolean {
  try {
    execFileSync('strace', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * `strace` attached to a running server (all its threads: Node does file I/O on libuv's worker
 * threads), writing every system call with the paths of its file descriptors (`-y`) to a file. The
 * JavaScript-level count of `node:fs` calls hides what one call costs (`writeFile` is an open, a
 * write and a close); this shows the system calls that reach the store's files.
 */
export class SyscallTrace {
  readonly #child: ChildProcess;
  readonly #output: string;

  private constructor(child: ChildProcess, output: string) {
    this.#child = child;
    this.#output = output;
  }

  /** Attaches and resolves once strace says it is attached. */
  static attach(pid: number, output: string): Promise<SyscallTrace> {
    const child = spawn('strace', ['-f', '-y', '-o', output, '-p', String(pid)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error('strace did not attach within 10 s'));
      }, 10_000);
      createInterface({ input: child.stderr! }).on('line', (line) => {
        if (!/attached/.test(line)) return;
        clearTimeout(timer);
        resolve(new SyscallTrace(child, output));
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  /** Detaches (the server keeps running) and counts the system calls that named a path under `pathPrefix`, by name. */
  async detach(pathPrefix: string): Promise<Record<string, number>> {
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    this.#child.kill('SIGINT');
    await exited;
    return countSyscallsOn(readFileSync(this.#output, 'utf8'), pathPrefix);
  }
}

/**
 * Counts lines of strace output by system call, for calls that name a path under `pathPrefix` (as
 * an argument or as a file descriptor's path). A call interrupted by another thread's (`<unfinished
 * ...>`) is counted on its first line; its `<... resumed>` line is not a second call.
 */
export function countSyscallsOn(trace: string, pathPrefix: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of trace.split('\n')) {
    const call = /^\d+\s+([a-z0-9_]+)\(/.exec(line)?.[1];
    if (call === undefined || !line.includes(pathPrefix)) continue;
    counts[call] = (counts[call] ?? 0) + 1;
  }
  return counts;
}
