import type { SessionKey } from '../store-kit/session-store.js';
import type { PurgeProgressListener, PurgeResult, SessionCounts } from '../store-kit/store-maintenance.js';

/** The part of a memory store's entry that maintenance reads. */
interface Expiring {
  readonly expiresAt: number;
}

/** Live and expired entries (the sweeper has not run since they expired). */
export function countMemorySessions(entries: ReadonlyMap<SessionKey, Expiring>): SessionCounts {
  const now = Date.now();
  let live = 0;
  for (const entry of entries.values()) if (entry.expiresAt > now) live++;
  return { live, expired: entries.size - live };
}

/** Removes the expired entries at once, as the sweeper would on its next turn. */
export function purgeMemorySessions(
  entries: Map<SessionKey, Expiring>,
  onProgress?: PurgeProgressListener,
): PurgeResult {
  const now = Date.now();
  const total = entries.size;
  let done = 0;
  let removed = 0;
  for (const [key, entry] of entries) {
    if (entry.expiresAt <= now) {
      entries.delete(key);
      removed++;
    }
    done++;
  }
  onProgress?.({ done, total });
  return { removed };
}
