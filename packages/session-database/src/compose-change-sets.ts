import type { SessionChangeSet, SessionFields } from '@tina4/session-core';

/**
 * One change set with the effect of applying `first`, then `second`: `applyChangeSet(applyChangeSet(x,
 * first), second)` equals `applyChangeSet(x, composeChangeSets(first, second))` for every `x`.
 */
export function composeChangeSets(first: SessionChangeSet, second: SessionChangeSet): SessionChangeSet {
  if (second.replace) return second;
  // No prototype: a field named "__proto__" is then an ordinary property, not the object's prototype.
  const set: SessionFields = Object.create(null);
  for (const name of Object.keys(first.set)) set[name] = first.set[name] as string;
  for (const name of second.delete) delete set[name];
  for (const name of Object.keys(second.set)) set[name] = second.set[name] as string;
  // A replacing change set drops every stored field anyway: it needs no deletions.
  if (first.replace) return { replace: true, set, delete: [] };
  // Deleted by either, unless `second` sets it again (a field is never both set and deleted).
  const deleted = new Set([...first.delete, ...second.delete]);
  for (const name of Object.keys(second.set)) deleted.delete(name);
  return { replace: false, set, delete: [...deleted] };
}
