import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { type ChildServer, type CookieJar, startChildServer } from '@tina4/test-http';
import type { Expectation, HttpStep } from './markdown-blocks.js';

/** This package's directory: blocks are written below it, so that its dependencies resolve. */
export const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));
export const REPOSITORY_ROOT = join(PACKAGE_DIR, '..', '..');

/** Writes `code` to `<dir>/block.ts` (its own directory: the file store writes `./sessions` there). */
export async function writeBlock(dir: string, code: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'block.ts');
  await writeFile(file, code);
  return file;
}

/**
 * Runs a block file with tsx in its directory, with `env` over ours less the variables programs
 * read (`TINA4_*`, `PORT`, `REDIS_URL`, ...): a block sees only what its markers give it.
 */
export function runBlock(file: string, env: Record<string, string>): ChildServer {
  return startChildServer(file, { env });
}

/** Sends one `http` step of a page with the jar, which holds the cookies of the steps before. */
export function sendStep(jar: CookieJar, step: HttpStep): Promise<Response> {
  const headers = new Headers(step.headers);
  if (step.body) {
    const type = step.body.type === 'json' ? 'application/json' : 'application/x-www-form-urlencoded';
    headers.set('content-type', type);
  }
  return jar.fetch(step.path, {
    method: step.method,
    headers,
    ...(step.body && { body: step.body.text }),
  });
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
