import type { SessionChangeSet, SessionFields } from './session-store.js';

/** A change set that changes nothing. */
export const NO_CHANGES: SessionChangeSet = Object.freeze({ replace: false, set: {}, delete: [] });

/**
 * The fields that result from applying `changes` to `current`. For stores that merge in process
 * (file, memory, SQL transactions) inside their own atomic section; `current` is not modified.
 */
export function applyChangeSet(
  current: Readonly<SessionFields> | undefined,
  changes: SessionChangeSet,
): SessionFields {
  // Without a prototype, every name (even "__proto__") is an ordinary field.
  const next: SessionFields = Object.create(null);
  if (current && !changes.replace) for (const name of Object.keys(current)) next[name] = current[name]!;
  for (const field of changes.delete) delete next[field];
  for (const name of Object.keys(changes.set)) next[name] = changes.set[name]!;
  return next;
}

/**
 * One change set with the effect of applying `first`, then `second`: `applyChangeSet(applyChangeSet(x,
 * first), second)` equals `applyChangeSet(x, composeChangeSets(first, second))` for every `x`.
 */
export function composeChangeSets(first: SessionChangeSet, second: SessionChangeSet): SessionChangeSet {
  if (second.replace) return second;
  const set: SessionFields = Object.create(null);
  for (const name of Object.keys(first.set)) set[name] = first.set[name]!;
  for (const name of second.delete) delete set[name];
  for (const name of Object.keys(second.set)) set[name] = second.set[name]!;
  // A replacing change set drops every stored field anyway: it needs no deletions.
  if (first.replace) return { replace: true, set, delete: [] };
  // Deleted by either, unless `second` sets it again (a field is never both set and deleted).
  const deleted = new Set([...first.delete, ...second.delete]);
  for (const name of Object.keys(second.set)) deleted.delete(name);
  return { replace: false, set, delete: [...deleted] };
}

/** Whether `changes` changes nothing. */
export function isEmptyChangeSet(changes: SessionChangeSet): boolean {
  return !changes.replace && changes.delete.length === 0 && Object.keys(changes.set).length === 0;
}
