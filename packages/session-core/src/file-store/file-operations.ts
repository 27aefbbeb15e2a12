import { applyChangeSet } from '../store-kit/change-set.js';
import type { SessionChangeSet, SessionFields } from '../store-kit/session-store.js';
import type { SessionRecord, StoredRecord } from './session-file.js';

/** One change to a session file, as the store's methods (and its reaper) submit them. */
export type FileOperation =
  | { readonly kind: 'create'; readonly fields: Readonly<SessionFields>; readonly ttlSeconds: number }
  | { readonly kind: 'update'; readonly changes: SessionChangeSet; readonly ttlSeconds: number }
  | { readonly kind: 'touch'; readonly ttlSeconds: number }
  | { readonly kind: 'destroy' }
  /** Remove the live record and hand it over (the first half of a move). */
  | { readonly kind: 'take' }
  /** Remove the file if it is expired or corrupt (the reaper). */
  | { readonly kind: 'reap' };

/**
 * What an operation reports: create, update and touch whether they applied; take the record it
 * removed (undefined when there was none); destroy and reap nothing.
 */
export type FileOperationResult = boolean | SessionRecord | undefined;

/** What a batch of operations does to the file: nothing, replace it, or remove it. */
export type FileOutcome =
  | { readonly action: 'none' }
  | { readonly action: 'replace'; readonly record: SessionRecord }
  | { readonly action: 'remove' };

/**
 * The result of applying `operations` in order, each on top of the one before, to what the file
 * holds. Expired and corrupt records count as missing: a create starts a record only where none
 * lives, an update or touch applies only to a live one (a destroyed session stays destroyed).
 */
export function applyFileOperations(
  stored: StoredRecord,
  operations: readonly FileOperation[],
  now: number,
): { readonly outcome: FileOutcome; readonly results: FileOperationResult[] } {
  let record = stored !== 'corrupt' && stored !== undefined && stored.expiresAt > now ? stored : undefined;
  let changed = false;
  const results: FileOperationResult[] = [];
  for (const operation of operations) {
    let result: FileOperationResult;
    switch (operation.kind) {
      case 'create':
        result = record === undefined;
        if (result) {
          record = { expiresAt: now + operation.ttlSeconds * 1000, fields: { ...operation.fields } };
          changed = true;
        }
        break;
      case 'update':
        result = record !== undefined;
        if (record) {
          record = {
            expiresAt: now + operation.ttlSeconds * 1000,
            fields: applyChangeSet(record.fields, operation.changes),
          };
          changed = true;
        }
        break;
      case 'touch':
        result = record !== undefined;
        if (record) {
          record = { expiresAt: now + operation.ttlSeconds * 1000, fields: record.fields };
          changed = true;
        }
        break;
      case 'take':
        result = record;
        record = undefined;
        changed = true;
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
    results.push(result);
  }
  const outcome: FileOutcome = !changed
    ? { action: 'none' }
    : record
      ? { action: 'replace', record }
      : { action: 'remove' };
  return { outcome, results };
}
