import { existsSync } from 'node:fs';
import { opendir } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { SessionStore } from '../store-kit/session-store.js';
import type { PurgeProgressListener, PurgeResult, SessionCounts } from '../store-kit/store-maintenance.js';
import { SESSION_FILE_PATTERN, SESSION_SUFFIX, sessionFilePath } from './file-names.js';
import { errorCode } from './file-system.js';
import { readSessionFile } from './session-file.js';

/** Entries handled between two turns of the event loop, so that an app's requests keep flowing. */
const ENTRIES_PER_TURN = 100;

/**
 * `count` and `purgeExpired` of the file store. Only the store's own `sess-<key>.json` files are
 * looked at (a shared directory's other files are not ours); an unreadable one counts as expired,
 * since the store treats it as a missing session and its cleanup removes it.
 *
 * @param reap Removes the session file of a key if, under the store's write lock, it is still
 *   expired or unreadable: a session written since it was looked at stays.
 */
export function fileStoreMaintenance(
  directory: string,
  reap: (key: string) => Promise<unknown>,
): Required<Pick<SessionStore, 'count' | 'purgeExpired'>> {
  return {
    async count(): Promise<SessionCounts> {
      let live = 0;
      let expired = 0;
      await forEachSessionFile(directory, async (key) => {
        const state = await recordState(directory, key);
        if (state === 'live') live++;
        else if (state === 'expired') expired++;
      });
      return { live, expired };
    },

    async purgeExpired(onProgress?: PurgeProgressListener): Promise<PurgeResult> {
      // A first pass only counts names, so that progress can be shown against a total.
      let total = 0;
      await forEachSessionFile(directory, async () => {
        total++;
      });
      let done = 0;
      let removed = 0;
      await forEachSessionFile(directory, async (key) => {
        if ((await recordState(directory, key)) === 'expired') {
          await reap(key);
          if (!existsSync(sessionFilePath(directory, key, SESSION_SUFFIX))) removed++;
        }
        done++;
        onProgress?.({ done, total: Math.max(total, done) });
      });
      return { removed };
    },
  };
}

/** What a session file holds now; `gone` when it was removed since the directory was listed. */
async function recordState(directory: string, key: string): Promise<'live' | 'expired' | 'gone'> {
  const stored = await readSessionFile(sessionFilePath(directory, key, SESSION_SUFFIX));
  if (stored === undefined) return 'gone';
  return stored !== 'corrupt' && stored.expiresAt > Date.now() ? 'live' : 'expired';
}

/** Calls `visit` with the key of each session file in `directory`; none when it does not exist yet. */
async function forEachSessionFile(directory: string, visit: (key: string) => Promise<void>): Promise<void> {
  let entries: Awaited<ReturnType<typeof opendir>>;
  try {
    entries = await opendir(directory);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  let sinceTurn = 0;
  // `for await` closes the directory handle however the loop ends.
  for await (const entry of entries) {
    const match = SESSION_FILE_PATTERN.exec(entry.name);
    if (!match) continue;
    await visit(match[1]!);
    if (++sinceTurn >= ENTRIES_PER_TURN) {
      sinceTurn = 0;
      await nextTurn();
    }
  }
}
