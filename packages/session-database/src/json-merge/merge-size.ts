import type { SessionChangeSet } from '@tina4/session-core';

/**
 * The most fields a change set may name (set plus deleted) for an engine's merge function to take
 * it. SQLite's `json_patch` and MariaDB's `JSON_MERGE_PATCH` look each member of one object up by a
 * scan of the other, and PostgreSQL's `jsonb - text[]` scans the deleted names for each stored
 * field: the cost is the product of the two sizes. A session of 100 000 fields merged with as many
 * changes took minutes that way (blocking SQLite's synchronous driver, and so the process,
 * throughout). A larger change set takes the transactional path, which merges in the app in linear
 * time; ordinary requests, which change a few fields, keep the one statement.
 */
export const MAX_MERGED_FIELDS = 32;

/** Whether `changes` names few enough fields for a merge that costs (fields named) x (fields stored). */
export function isSmallPatch(changes: SessionChangeSet): boolean {
  return changes.delete.length + Object.keys(changes.set).length <= MAX_MERGED_FIELDS;
}

/** Whether `changes` deletes few enough fields for a merge that costs (fields deleted) x (fields stored). */
export function hasFewDeletions(changes: SessionChangeSet): boolean {
  return changes.delete.length <= MAX_MERGED_FIELDS;
}
