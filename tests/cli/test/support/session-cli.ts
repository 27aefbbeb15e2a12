import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
/** The command's source in the workspace's @tina4/session-core (its `bin` is the build of this file). */
const BIN = join(dirname(require.resolve('@tina4/session-core/package.json')), 'src/cli/bin.ts');
/** tsx's loader: the workspace's packages export TypeScript sources, which plain Node cannot run. */
const TSX = pathToFileURL(require.resolve('tsx')).href;
/** This package's node_modules, where the store packages are installed as in an app. */
const NODE_MODULES = join(dirname(fileURLToPath(import.meta.url)), '../../node_modules');

/** `node` and its arguments that run `tina4-session` from the workspace's sources. */
export const CLI_COMMAND: readonly string[] = [process.execPath, '--import', TSX, BIN];

/** How one run of the command ended. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A throw-away app directory: the store packages installed, a `.env` if wanted, the command run in it. */
export interface CliApp {
  readonly directory: string;
  /** Writes the app's `.env`. */
  writeEnvFile(text: string): void;
  /**
   * Runs `tina4-session <args>` in the app's directory with only `env` (and PATH, HOME) set, so that
   * nothing of the test runner's environment leaks in; stdout and stderr are pipes, not a terminal.
   */
  run(args: readonly string[], env?: Record<string, string>): Promise<CliRun>;
  remove(): void;
}

export function createCliApp(): CliApp {
  const directory = mkdtempSync(join(tmpdir(), 'tina4-session-cli-'));
  // The app finds its store package by name from its own directory, as after `npm install`.
  symlinkSync(NODE_MODULES, join(directory, 'node_modules'), 'dir');
  return {
    directory,
    writeEnvFile(text) {
      writeFileSync(join(directory, '.env'), text);
    },
    run(args, env = {}) {
      return new Promise((resolve, reject) => {
        const child = spawn(CLI_COMMAND[0]!, [...CLI_COMMAND.slice(1), ...args], {
          cwd: directory,
          env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? directory, ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (text: string) => {
          stdout += text;
        });
        child.stderr.setEncoding('utf8').on('data', (text: string) => {
          stderr += text;
        });
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    },
    remove() {
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
