import type { SessionChangeSet } from '@tina4/session-core';

// NUL, or a UTF-16 surrogate without its other half: JSON.stringify writes them as \u escapes
// that jsonb (NUL, lone surrogates) and MariaDB's JSON functions (lone surrogates) refuse.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const parsable = (name: string): boolean => !name.includes('\u0000') && !LONE_SURROGATE.test(name);

/** Whether every field name of `changes` survives a round trip through the databases' JSON parsers. */
export function hasPortableFieldNames(changes: SessionChangeSet): boolean {
  for (const name of Object.keys(changes.set)) if (!parsable(name)) return false;
  for (const name of changes.delete) if (!parsable(name)) return false;
  return true;
}
