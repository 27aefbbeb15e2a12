import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { KNOWN_SESSION_VARIABLES } from '../src/config/known-settings.js';
import { resolveSessionConfig } from '../src/index.js';
import { warnAboutSettings } from '../src/manager/settings-warnings.js';

const packages = join(dirname(fileURLToPath(import.meta.url)), '../..');

function warningsFor(env: Record<string, string>, options: Record<string, unknown> = {}): string[] {
  const lines: string[] = [];
  const logger = { warn: (line: string) => lines.push(line), error: (line: string) => lines.push(line) };
  warnAboutSettings(resolveSessionConfig({ envFile: false, env, logger, ...options }));
  return lines;
}

describe('settings that work but are probably a mistake', () => {
  it('names a TINA4_SESSION_* variable that nothing reads, with the closest real one', () => {
    expect(warningsFor({ TINA4_SESSION_TTLL: '60', TINA4_SESSION_REDIS_HOTS: 'x' })).toEqual([
      expect.stringMatching(/TINA4_SESSION_TTLL is not a setting .* Did you mean TINA4_SESSION_TTL\?/),
      expect.stringMatching(/TINA4_SESSION_REDIS_HOTS .* Did you mean TINA4_SESSION_REDIS_HOST\?/),
    ]);
    // Once per process.
    expect(warningsFor({ TINA4_SESSION_TTLL: '60' })).toEqual([]);
  });

  it('warns in production about the memory store and a cookie without Secure, and not otherwise', () => {
    expect(warningsFor({ NODE_ENV: 'production', TINA4_SESSION_BACKEND: 'memory' })).toEqual([
      expect.stringMatching(/TINA4_SESSION_BACKEND=memory in production/),
      expect.stringMatching(/without Secure in production/),
    ]);
    expect(warningsFor({ TINA4_SESSION_BACKEND: 'memory', NODE_ENV: 'development' })).toEqual([]);
    expect(
      warningsFor({ NODE_ENV: 'production', TINA4_SESSION_SECURE: 'true', TINA4_SESSION_BACKEND: 'file' }),
    ).toEqual([]);
  });

  it('knows every TINA4_SESSION_* variable the packages read', () => {
    const read = new Set<string>();
    const walk = (directory: string): void => {
      for (const name of readdirSync(directory)) {
        const path = join(directory, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith('.ts')) {
          for (const [variable] of readFileSync(path, 'utf8').matchAll(/TINA4_SESSION_[A-Z_]*[A-Z]/g))
            read.add(variable);
        }
      }
    };
    for (const name of readdirSync(packages)) {
      const source = join(packages, name, 'src');
      if (name.startsWith('session-') && statSync(source, { throwIfNoEntry: false })?.isDirectory())
        walk(source);
    }
    // Built from a prefix in code; the full names are listed.
    read.delete('TINA4_SESSION_VALKEY');
    read.delete('TINA4_SESSION_REDIS');
    expect([...read].filter((variable) => !KNOWN_SESSION_VARIABLES.has(variable)).sort()).toEqual([]);
  });
});
