import { SessionConfigError } from '../errors.js';

/** Readers for `TINA4_SESSION_*` values: each error names the variable, the value and what is allowed. */

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

export function parseBoolean(name: string, raw: string, alsoAllowed?: string): boolean {
  const word = raw.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  const extra = alsoAllowed ? ` or ${alsoAllowed}` : '';
  throw new SessionConfigError(
    `${name}="${raw}" is not valid. Use true or false (also 1/0, yes/no, on/off)${extra}.`,
  );
}

export function parsePositiveInteger(
  name: string,
  raw: string,
  unit: string,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const text = raw.trim();
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new SessionConfigError(
      `${name}="${raw}" is not valid. Use a whole number of ${unit} from 1 to ${max}.`,
    );
  }
  return value;
}

/** Matches `raw` against `allowed` case-insensitively and returns the allowed spelling. */
export function parseChoice<T extends string>(name: string, raw: string, allowed: readonly T[]): T {
  const word = raw.trim().toLowerCase();
  const match = allowed.find((choice) => choice.toLowerCase() === word);
  if (match === undefined) {
    throw new SessionConfigError(`${name}="${raw}" is not valid. Use one of: ${allowed.join(', ')}.`);
  }
  return match;
}

export function parseNonEmpty(name: string, raw: string): string {
  const value = raw.trim();
  if (value === '') throw new SessionConfigError(`${name} is set but empty. Remove it or give it a value.`);
  return value;
}
