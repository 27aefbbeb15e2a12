/** A value that survives `JSON.stringify` / `JSON.parse` unchanged. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * How deep a stored value may nest. Deeper values are refused rather than risk a stack overflow in
 * the checks below or in `JSON.parse`/`JSON.stringify` on the way back; no session needs more.
 */
export const MAX_JSON_DEPTH = 100;

/**
 * Throws a `TypeError` naming the session key, where inside the value the problem is, and how to
 * fix it, when `value` would not come back from JSON as it went in, or nests deeper than
 * {@link MAX_JSON_DEPTH} levels. Checked before anything is stored, so a call that throws changes
 * nothing.
 */
export function assertJsonSerialisable(key: string, value: unknown): void {
  const problem = findProblem(value, key, new Set());
  if (problem) {
    throw new TypeError(
      `Session value for key "${key}" cannot be stored: ${problem.path} is ${problem.what}. ${problem.fix} ` +
        'Sessions hold JSON: strings, finite numbers, booleans, null, arrays and plain objects.',
    );
  }
}

interface Problem {
  path: string;
  what: string;
  fix: string;
}

function findProblem(value: unknown, path: string, ancestors: Set<object>): Problem | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value)
        ? undefined
        : { path, what: String(value), fix: 'JSON has no NaN or Infinity; store null or a string instead.' };
    case 'undefined':
      return { path, what: 'undefined', fix: 'Use null for "no value", or delete the key.' };
    case 'bigint':
      return { path, what: 'a BigInt', fix: 'Store it as a string: value.toString().' };
    case 'function':
      return { path, what: 'a function', fix: 'Store data, not functions.' };
    case 'symbol':
      return { path, what: 'a Symbol', fix: 'Store a string instead.' };
  }
  if (value === null) return undefined;
  const object = value as object;
  if (ancestors.has(object)) {
    return {
      path,
      what: 'a circular reference',
      fix: 'Store a copy without the cycle (e.g. ids instead of parent links).',
    };
  }
  const special = describeSpecialObject(object);
  if (special) return { path, ...special };
  if (ancestors.size >= MAX_JSON_DEPTH) {
    return {
      path,
      what: `nested more than ${MAX_JSON_DEPTH} levels deep`,
      fix: 'Store a flatter value (sessions hold small records; keep large documents in your database).',
    };
  }

  ancestors.add(object);
  try {
    if (Array.isArray(object)) {
      for (let index = 0; index < object.length; index++) {
        const problem = findProblem(object[index], `${path}[${index}]`, ancestors);
        if (problem) return problem;
      }
      return undefined;
    }
    for (const [name, child] of Object.entries(object)) {
      const problem = findProblem(child, `${path}${propertyPath(name)}`, ancestors);
      if (problem) return problem;
    }
    return undefined;
  } finally {
    ancestors.delete(object);
  }
}

function describeSpecialObject(object: object): Omit<Problem, 'path'> | undefined {
  if (Array.isArray(object)) return undefined;
  if (object instanceof Date)
    return { what: 'a Date', fix: 'Store date.toISOString() and parse it when reading.' };
  if (object instanceof Map) return { what: 'a Map', fix: 'Store Object.fromEntries(map) instead.' };
  if (object instanceof Set) return { what: 'a Set', fix: 'Store [...set] instead.' };
  const prototype = Object.getPrototypeOf(object);
  if (prototype === Object.prototype || prototype === null) return undefined;
  const className = prototype?.constructor?.name ?? 'an unnamed class';
  return {
    what: `an instance of ${className}`,
    fix: 'Store a plain object with its fields ({ ...instance } or a toJSON-style copy) instead.',
  };
}

function propertyPath(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}
