import type { SessionFields } from '@tina4/session-core';

/**
 * The `data` column holds the session's fields as one JSON object mapping each field name to the
 * JSON text of its value, exactly as the core serialised it: the store moves text, never
 * re-encodes values.
 */
export function encodeFields(fields: SessionFields): string {
  return JSON.stringify(fields);
}

/** @throws Error when the column does not hold such an object (a row edited by hand). */
export function decodeFields(data: unknown, table: string): SessionFields {
  const text = typeof data === 'string' ? data : Buffer.isBuffer(data) ? data.toString('utf8') : undefined;
  let parsed: unknown;
  try {
    parsed = text === undefined ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw corrupt(table);
  for (const value of Object.values(parsed)) if (typeof value !== 'string') throw corrupt(table);
  return parsed as SessionFields;
}

function corrupt(table: string): Error {
  return new Error(`A row of the session table "${table}" holds data that is not a JSON object of fields.`);
}
