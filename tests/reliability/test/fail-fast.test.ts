import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { ADAPTERS } from './support/apps.js';
import { printFigures } from './support/figures.js';

/**
 * An app that never awaits `ready` and is given a setting that cannot work stops at start-up, on
 * every adapter, with the error that names the setting: it does not start and answer 500s. Each
 * app is a real process (`tsx` on a fixture), as a user would run it.
 */

const TSX = createRequire(import.meta.url).resolve('tsx/cli');
const FIXTURES = fileURLToPath(new URL('./fixtures/unawaited/', import.meta.url));

interface Outcome {
  readonly code: number | null;
  readonly output: string;
  readonly ms: number;
}

function run(fixture: string, env: Record<string, string>): Promise<Outcome> {
  const started = performance.now();
  const child = spawn(process.execPath, [TSX, `${FIXTURES}${fixture}.ts`], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // A group of its own: tsx runs the app in a child process, which a kill must reach too.
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 20_000);
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output, ms: Math.round(performance.now() - started) });
    });
  });
}

describe.each(ADAPTERS.map((adapter) => [adapter] as const))(
  'an app on %s that does not await ready',
  (adapter) => {
    const fixture = adapter === 'node:http' ? 'node-http' : adapter;

    it('stops at start-up on a DATABASE_URL of no known engine, naming it', async () => {
      const outcome = await run(fixture, { DATABASE_URL: 'nosuchdb://db.example/app' });
      printFigures('fail fast: bad DATABASE_URL, ready not awaited', adapter, {
        exitCode: outcome.code,
        ms: outcome.ms,
      });
      expect(outcome.code).not.toBe(0);
      expect(outcome.code).not.toBeNull(); // it exited by itself, not by the test's timeout
      expect(outcome.output).toContain('DATABASE_URL');
      expect(outcome.output).toContain('nosuchdb');
    }, 30_000);
  },
);
