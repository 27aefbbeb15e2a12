import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';

const run = promisify(execFile);
const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');
const tsc = join(packageRoot, '../../node_modules/typescript/bin/tsc');

/**
 * The fixtures in `test-types/` are apps of each adapter, compiled by `tsc` with `skipLibCheck` off:
 * `declared/` declares `SessionData` by declaration merging (its `@ts-expect-error` lines must each
 * be an error, or tsc fails), `loose/` declares nothing and must accept the chapter's code.
 */
describe('types as apps see them', () => {
  for (const project of ['declared', 'loose']) {
    it(`test-types/${project} compiles`, async () => {
      const outcome = await run(process.execPath, [
        tsc,
        '-p',
        join(packageRoot, 'test-types', project, 'tsconfig.json'),
      ]).then(
        () => 'compiles',
        (error: { stdout?: string }) => error.stdout ?? String(error),
      );
      expect(outcome).toBe('compiles');
    }, 60_000);
  }
});
