import type { SessionKey } from '@tina4/session-core';
import type { NearCache } from './near-cache.js';

/** Every near cache of this process, by the key prefix of its store. */
const cachesByPrefix = new Map<string, Set<NearCache>>();

/** A near cache's place among the others of its process (see {@link joinProcessCaches}). */
export interface ProcessCaches {
  /** Tells the other near caches of the prefix that `key` is being written, or was written, here. */
  othersForget(key: SessionKey): void;
  leave(): void;
}

/**
 * Makes a write by one store of this process seen at once by the others on the same prefix (an app
 * with two session managers, a test with two store instances). The server's invalidation would tell
 * them too, but it leaves the server after the writer's reply: without this, a read right after the
 * write, in the same process, could still see the copy from before it.
 */
export function joinProcessCaches(prefix: string, cache: NearCache): ProcessCaches {
  let caches = cachesByPrefix.get(prefix);
  if (!caches) {
    caches = new Set();
    cachesByPrefix.set(prefix, caches);
  }
  caches.add(cache);
  const siblings = caches;
  return {
    othersForget(key) {
      // Almost always alone: one store per process.
      if (siblings.size === 1) return;
      for (const other of siblings) if (other !== cache) other.invalidate(key);
    },
    leave() {
      siblings.delete(cache);
      if (siblings.size === 0 && cachesByPrefix.get(prefix) === siblings) cachesByPrefix.delete(prefix);
    },
  };
}
