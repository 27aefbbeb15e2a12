import type { SessionChangeSet } from '@tina4/session-core';

/**
 * The change set as a JSON Merge Patch (RFC 7396), for the engines' own merge function
 * (MySQL/MariaDB `JSON_MERGE_PATCH`, SQLite `json_patch`): each set field with its JSON text as a
 * string, each deleted field as `null`, which removes it. The values are always strings, never
 * objects, so the patch never merges into a value; and field names need no path escaping at all.
 */
export function mergePatchOf(changes: SessionChangeSet): string {
  if (changes.delete.length === 0) return JSON.stringify(changes.set);
  // No prototype: a field named "__proto__" is then an ordinary property, not the object's prototype.
  const patch: Record<string, string | null> = Object.create(null);
  for (const name of changes.delete) patch[name] = null;
  // `set` and `delete` never share a name; the set fields come last so they win regardless.
  for (const name of Object.keys(changes.set)) patch[name] = changes.set[name] as string;
  return JSON.stringify(patch);
}
