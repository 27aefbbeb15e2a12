import { opendir } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { SESSION_FILE_PATTERN } from './file-names.js';
import { errorCode } from './file-system.js';

/** How old a count may be before a new session starts a fresh listing (in the background). */
const RECOUNT_AFTER_MS = 60_000;
/** Directory entries looked at between two turns of the event loop. */
const ENTRIES_PER_TURN = 500;

/**
 * The number of session files in the store's directory, for `TINA4_SESSION_MAX_SESSIONS`: counted by
 * listing the directory's names (no file is opened), kept up to date by this process's own creates
 * and removals, and listed again at most once a minute to take in other processes' files and
 * expired files removed by anyone. Approximate by design between two listings; what it bounds is
 * disk use, not an exact number.
 */
export class SessionFileCount {
  readonly #directory: string;
  #count: number | undefined;
  #countedAt = 0;
  #listing: Promise<void> | undefined;

  constructor(directory: string) {
    this.#directory = directory;
  }

  /**
   * The count, or `undefined` before the first listing has finished (start it with {@link firstCount}).
   * A stale count is answered as it is and refreshed behind.
   */
  peek(): number | undefined {
    if (this.#count !== undefined && Date.now() - this.#countedAt > RECOUNT_AFTER_MS) {
      void this.#list().catch(() => {});
    }
    return this.#count;
  }

  /** The count, listing the directory first if it was never listed. */
  async firstCount(): Promise<number> {
    if (this.#count === undefined) await this.#list();
    return this.#count ?? 0;
  }

  /** A session file was created (`+1`) or removed (`-1`) by this process. */
  changed(by: 1 | -1): void {
    if (this.#count !== undefined) this.#count = Math.max(0, this.#count + by);
  }

  #list(): Promise<void> {
    this.#listing ??= countSessionFiles(this.#directory)
      .then((count) => {
        this.#count = count;
        this.#countedAt = Date.now();
      })
      .finally(() => {
        this.#listing = undefined;
      });
    return this.#listing;
  }
}

async function countSessionFiles(directory: string): Promise<number> {
  let entries: Awaited<ReturnType<typeof opendir>>;
  try {
    entries = await opendir(directory);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 0;
    throw error;
  }
  let count = 0;
  let sinceTurn = 0;
  for await (const entry of entries) {
    if (SESSION_FILE_PATTERN.test(entry.name)) count++;
    if (++sinceTurn >= ENTRIES_PER_TURN) {
      sinceTurn = 0;
      await nextTurn();
    }
  }
  return count;
}
