import type { SessionChangeSet, SessionFields } from './session-store.js';

/**
 * The fields that result from applying `changes` to `current`. For stores that merge in process
 * (file, memory, SQL) inside their own atomic section; `current` is not modified.
 */
export function applyChangeSet(current: SessionFields | undefined, changes: SessionChangeSet): SessionFields {
  const next: SessionFields = changes.replace || !current ? {} : { ...current };
  for (const field of changes.delete) delete next[field];
  return Object.assign(next, changes.set);
}
