import { opendir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { SessionLogger } from '../logger.js';
import { LOCK_FILE_PATTERN, SESSION_FILE_PATTERN, TEMP_FILE_PATTERN } from './file-names.js';
import { errorCode, removeFile } from './file-system.js';
import { removeLockIfStale } from './lock-file.js';

/** A temporary file this old belongs to a write that died (a write takes milliseconds). */
const ABANDONED_TEMP_MS = 10 * 60_000;
/** Waiters break a dead lock themselves; the reaper only removes ones nobody has waited for in a while. */
const ABANDONED_LOCK_GRACE_MS = 60_000;

export interface ReaperOptions {
  readonly directory: string;
  readonly intervalMs: number;
  readonly logger: SessionLogger;
  /** Removes the session file of `key` if it has expired or is corrupt (under the store's write lock). */
  reapSession(key: string): Promise<void>;
}

export interface Reaper {
  /** Stops the timer and waits for a pass in progress to finish. */
  stop(): Promise<void>;
}

/**
 * Cleans the store's directory every `intervalMs`, off the request path: expired and corrupt
 * session files, temporary files of writes that died, and locks of processes that died. The timer
 * is unref()'d so that it never keeps a process alive; a pass walks the directory with an async
 * iterator, one entry at a time, and gives the event loop a turn after each entry: what it does per
 * file is a few short calls (some synchronous, like the store's own critical sections), so requests
 * keep being served however large the directory is. Problems are logged (one line per pass), never
 * thrown.
 */
export function startReaper(options: ReaperOptions): Reaper {
  let stopped = false;
  let pass: Promise<void> | undefined;
  const timer = setInterval(() => {
    // Passes never overlap: a slow pass (a huge directory) makes the next tick a no-op.
    pass ??= reapDirectory(options, () => stopped).finally(() => {
      pass = undefined;
    });
  }, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await pass;
    },
  };
}

async function reapDirectory(options: ReaperOptions, isStopped: () => boolean): Promise<void> {
  let failures = 0;
  let firstFailure: unknown;
  try {
    // `for await` closes the directory handle however the loop ends.
    for await (const entry of await opendir(options.directory)) {
      if (isStopped()) break;
      try {
        await reapEntry(options, entry.name);
      } catch (error) {
        failures++;
        firstFailure ??= error;
      }
      // The iterator hands out buffered entries, and some entries cost only synchronous calls:
      // without a turn per entry, a large directory could hold the event loop for a long time.
      await nextTurn();
    }
  } catch (error) {
    // No directory yet: nothing was ever written, nothing to reap.
    if (errorCode(error) !== 'ENOENT') {
      failures++;
      firstFailure ??= error;
    }
  }
  if (failures > 0) {
    const reason = firstFailure instanceof Error ? firstFailure.message : String(firstFailure);
    options.logger.warn(
      `[tina4-session] file store: could not clean up ${failures} item(s) in ${options.directory} (${reason}); ` +
        `retrying in ${options.intervalMs} ms.`,
    );
  }
}

async function reapEntry(options: ReaperOptions, name: string): Promise<void> {
  const session = SESSION_FILE_PATTERN.exec(name);
  if (session) return options.reapSession(session[1]!);
  // Only the exact names the store creates: anything else in the directory is not ours.
  const path = join(options.directory, name);
  if (TEMP_FILE_PATTERN.test(name)) {
    if (await isOlderThan(path, ABANDONED_TEMP_MS)) await removeFile(path);
  } else if (LOCK_FILE_PATTERN.test(name)) {
    removeLockIfStale(path, ABANDONED_LOCK_GRACE_MS);
  }
}

async function isOlderThan(path: string, ageMs: number): Promise<boolean> {
  try {
    return (await stat(path)).mtimeMs < Date.now() - ageMs;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
}
