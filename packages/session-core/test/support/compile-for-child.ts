import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformFile } from '@swc/core';

const SOURCE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/**
 * Compiles a source module and what it imports (relative imports only) to plain JavaScript under
 * `outDirectory/src`, for child processes that run plain Node without Jest's transform. Returns the
 * URL-free path of the compiled `entry` (a path relative to `src`, e.g. `file-store/file-store.ts`).
 */
export async function compileForChild(entry: string, outDirectory: string): Promise<string> {
  const pending = [join(SOURCE_ROOT, entry)];
  const done = new Set<string>();
  while (pending.length > 0) {
    const source = pending.pop()!;
    if (done.has(source)) continue;
    done.add(source);
    const { code } = await transformFile(source, {
      swcrc: false,
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'es6' },
    });
    const target = join(outDirectory, 'src', relative(SOURCE_ROOT, source)).replace(/\.ts$/, '.js');
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, code);
    for (const [, specifier] of code.matchAll(/from\s*['"](\.\.?\/[^'"]+)\.js['"]/g)) {
      pending.push(resolve(dirname(source), `${specifier}.ts`));
    }
  }
  await writeFile(join(outDirectory, 'package.json'), '{ "type": "module" }');
  return join(outDirectory, 'src', entry.replace(/\.ts$/, '.js'));
}
