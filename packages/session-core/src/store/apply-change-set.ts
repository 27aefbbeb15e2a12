import type { SessionChangeSet, SessionFields } from './session-store.js';

/**
 * The fields that result from applying `changes` to `current`. For stores that merge in process
 * (file, memory, SQL) inside their own atomic section; `current` is not modified.
 */
export function applyChangeSet(current: SessionFields | undefined, changes: SessionChangeSet): SessionFields {
  // Without a prototype, every name (even "__proto__") is an ordinary field.
  const next: SessionFields = Object.create(null);
  if (current && !changes.replace) for (const [name, text] of Object.entries(current)) next[name] = text;
  for (const field of changes.delete) delete next[field];
  for (const [name, text] of Object.entries(changes.set)) next[name] = text;
  return next;
}
