import { SessionConfigError } from '../errors.js';

/**
 * Readers for `TINA4_SESSION_*` values, for the core and for backend packages: each error names the
 * variable, the value and what is allowed.
 */

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

/** A whole number from `min` to `max`. */
export function parseInteger(
  name: string,
  raw: string,
  unit: string,
  { min = 1, max = Number.MAX_SAFE_INTEGER }: { min?: number; max?: number } = {},
): number {
  const text = raw.trim();
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new SessionConfigError(
      `${name}="${raw}" is not valid. Use a whole number of ${unit} from ${min} to ${max}.`,
    );
  }
  return value;
}

/** A whole number from 1 to `max`. */
export function parsePositiveInteger(
  name: string,
  raw: string,
  unit: string,
  max = Number.MAX_SAFE_INTEGER,
): number {
  return parseInteger(name, raw, unit, { min: 1, max });
}

/** Checks a number given in code against the same bounds as its variable. */
export function checkInteger(
  name: string,
  value: number,
  unit: string,
  { min = 1, max = Number.MAX_SAFE_INTEGER }: { min?: number; max?: number } = {},
): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new SessionConfigError(
      `${name} ${value} is not valid. Use a whole number of ${unit} from ${min} to ${max}.`,
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
