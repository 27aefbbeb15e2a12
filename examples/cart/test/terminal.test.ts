import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort } from '@tina4/test-http';
import { EXAMPLE_DIR } from './support/server-process.js';

/**
 * `pnpm start` at the repository root, in a real terminal (a pseudo-terminal from util-linux's
 * `script`), stopped with Ctrl-C as a person stops it: pnpm runs the root script, which runs
 * `pnpm --dir examples/cart start`, which runs `tsx src/server.ts`, each through `sh -c`. Ctrl-C
 * must stop the server cleanly, with exit code 0 all the way up and no "Command failed".
 */

const ROOT = join(EXAMPLE_DIR, '..', '..');
const available = (command: string) => spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
const missing = ['script', 'pnpm'].filter((command) => !available(command));
if (missing.length > 0) console.log(`Skipping the terminal test: ${missing.join(' and ')} not found.`);

(missing.length > 0 ? describe.skip : describe)('pnpm start in a terminal', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cart-terminal-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stops on Ctrl-C with exit code 0 and without "Command failed"', async () => {
    const port = await freePort();
    const child = spawn('script', ['--quiet', '--return', '--command', 'pnpm start', '/dev/null'], {
      cwd: ROOT,
      env: {
        ...Object.fromEntries(
          Object.entries(process.env).filter(([name]) => !/^(TINA4_|npm_|PORT$)/.test(name)),
        ),
        PORT: String(port),
        TINA4_SESSION_BACKEND: 'file',
        TINA4_SESSION_PATH: join(dir, 'sessions'),
        CART_DATA_DIR: join(dir, 'data'),
        TINA4_JWT_SECRET: 'terminal-test-secret-0123456789abcdef',
        TERM: 'dumb',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 30_000;
      while (!/listening on http/.test(output) && Date.now() < deadline && child.exitCode === null) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(output).toMatch(/listening on http:\/\/localhost:\d+/);
      const page = await fetch(`http://127.0.0.1:${port}/cart`, { headers: { connection: 'close' } });
      expect(page.status).toBe(200);
      await page.text();

      child.stdin.write('\u0003'); // Ctrl-C, typed into the terminal
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([
        exited,
        new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), 15_000);
        }),
      ]);
      clearTimeout(timer);
      expect({ code, output }).toEqual({ code: 0, output: expect.not.stringContaining('Command failed') });
      expect(output).toContain('Stopped: the session store is closed.');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      child.stdin.destroy();
      child.stdout.destroy();
      child.stderr.destroy();
    }
  }, 60_000);
});
