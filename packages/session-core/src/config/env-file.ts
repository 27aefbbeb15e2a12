import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';

/**
 * Variables from a `.env` file, or an empty object when there is none. Parsing uses Node's own
 * dotenv-compatible parser (`util.parseEnv`), so quoting and comments behave as in `node --env-file`.
 */
export function readEnvFile(path: string = resolve(process.cwd(), '.env')): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  return parseEnv(text) as Record<string, string>;
}

/**
 * The variables the session library sees: the `.env` file under the process environment, so
 * that a variable set in the environment wins over the same one in `.env`.
 */
export function loadEnvironment(envFile?: string | false): Record<string, string | undefined> {
  const fromFile = envFile === false ? {} : readEnvFile(envFile);
  return { ...fromFile, ...process.env };
}
