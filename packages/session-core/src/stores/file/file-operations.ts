import { applyChangeSet } from '../../store/apply-change-set.js';
import type { SessionChangeSet } from '../../store/session-store.js';
import type { SessionRecord, StoredRecord } from './session-file.js';

/** One change to a session file, as the store's methods (and its reaper) submit them. */
export type FileOperation =
  | { readonly kind: 'write'; readonly changes: SessionChangeSet; readonly ttlSeconds: number }
  | { readonly kind: 'touch'; readonly ttlSeconds: number }
  | { readonly kind: 'destroy' }
  /** Remove the file if it is expired or corrupt (the reaper). */
  | { readonly kind: 'reap' };

/** What a batch of operations does to the file: nothing, replace it, or remove it. */
export type FileOutcome =
  | { readonly action: 'none' }
  | { readonly action: 'replace'; readonly record: SessionRecord }
  | { readonly action: 'remove' };

/**
 * The result of applying `operations` in order, each on top of the one before, to what the file
 * holds. Expired and corrupt records count as missing: a write starts a fresh record, a touch
 * leaves a missing record missing. So a destroy after a write removes the file, a write after a
 * destroy recreates it, and a touch extends whatever record the operations before it left.
 */
export function applyFileOperations(
  stored: StoredRecord,
  operations: readonly FileOperation[],
  now: number,
): FileOutcome {
  let record = stored !== 'corrupt' && stored !== undefined && stored.expiresAt > now ? stored : undefined;
  let changed = false;
  for (const operation of operations) {
    switch (operation.kind) {
      case 'write':
        record = {
          expiresAt: now + operation.ttlSeconds * 1000,
          fields: applyChangeSet(record?.fields, operation.changes),
        };
        changed = true;
        break;
      case 'touch':
        if (record) {
          record = { expiresAt: now + operation.ttlSeconds * 1000, fields: record.fields };
          changed = true;
        }
        break;
      case 'destroy':
        record = undefined;
        changed = true;
        break;
      case 'reap':
        // A file that holds no live record (expired or corrupt) goes; a live or absent one stays.
        if (!record && stored !== undefined) changed = true;
        break;
    }
  }
  if (!changed) return { action: 'none' };
  return record ? { action: 'replace', record } : { action: 'remove' };
}
