import { renameSync, writeFileSync } from 'node:fs';
import {
  applyFileOperations,
  type FileOperation,
  type FileOperationResult,
  type FileOutcome,
} from './file-operations.js';
import { removeFileSync } from './file-system.js';
import { createLockFileWith } from './lock-file.js';
import { readSessionTextSync, type StoredRecord, serializeSessionRecord } from './session-file.js';
import { LOCKED_ELSEWHERE } from './write-batcher.js';

/** What one commit of a session file needs from its store. */
export interface SessionFileCommit {
  /** `sess-<key>.json`. */
  readonly recordPath: string;
  /** `sess-<key>.lock`. */
  readonly lockPath: string;
  /** The record's text as this process last read it, if it remembers it (see `RecentReads`). */
  readonly remembered: string | undefined;
  /** The record in a file's text (undefined: no file), with a corrupt one reported. */
  parse(text: string | undefined): StoredRecord;
  /**
   * Called under the lock just before the record file changes; returns what to do once it has
   * changed. A throw fails the commit, with nothing changed.
   */
  beforeChange(stored: StoredRecord, outcome: FileOutcome): () => void;
  /** Reports a lock file that could not be removed once the change was made (it counts as a dead lock later). */
  warn(message: string): void;
}

/** A commit worked out from one text of the record file. */
interface Plan {
  readonly text: string | undefined;
  readonly stored: StoredRecord;
  readonly outcome: FileOutcome;
  readonly results: FileOperationResult[];
}

const NOTHING: FileOutcome = { action: 'none' };

/**
 * Applies `operations` to a session file, safely against other processes that share the directory,
 * in three file calls when this process remembers the record's text (four otherwise):
 *
 * 1. The change is planned from the record's text as last read (or read now), without a lock. A
 *    plan that changes nothing, from a text just read, is final: the file is only ever replaced
 *    whole, so that read saw one state of it.
 * 2. The lock is taken by creating the lock file, exclusively, with the new record already in it.
 *    If another process holds it, nothing is done: the caller waits and tries again.
 * 3. Under the lock, the record is read: if it changed since the plan, the change is planned again
 *    from it (and the lock file rewritten). A remembered text that is out of date costs this second
 *    plan, never a lost write.
 * 4. The lock file is renamed over the record: readers see the old record or the new one, never a
 *    mix, and the lock is released by the same rename. (A removal deletes the record, then the lock.)
 *
 * Every change of the record happens under the lock, so nothing can change it between 3 and 4. A
 * holder that stalls longer than the lock's lease (10 s) can lose its lock to a waiter; its rename
 * then fails, or publishes the waiter's record: the accepted cost of a lock without a server.
 *
 * No fsync: a session write happens on most requests, and an fsync costs milliseconds each. What
 * an fsync would protect against is a power loss or kernel crash in the seconds after a write,
 * which could leave the file empty on some filesystems; such a file reads as corrupt, which counts
 * as a missing session (the user logs in again). That trade suits session data; it would not suit
 * a database.
 */
export function commitSessionFile(
  commit: SessionFileCommit,
  operations: readonly FileOperation[],
): FileOperationResult[] | typeof LOCKED_ELSEWHERE {
  const { recordPath, lockPath } = commit;
  const { remembered } = commit;
  let current = plan(commit, remembered ?? readSessionTextSync(recordPath), operations);
  if (current.outcome.action === 'none') {
    if (remembered === undefined) return current.results;
    // Nothing to do by a remembered text, which may be out of date: the file decides.
    current = plan(commit, readSessionTextSync(recordPath), operations);
    if (current.outcome.action === 'none') return current.results;
  }

  if (!createLockFileWith(lockPath, contentOf(current.outcome))) return LOCKED_ELSEWHERE;
  let holding = true;
  try {
    const text = readSessionTextSync(recordPath);
    if (text !== current.text) {
      current = plan(commit, text, operations);
      if (current.outcome.action === 'none') {
        holding = false;
        release(commit);
        return current.results;
      }
      if (current.outcome.action === 'replace') {
        writeFileSync(lockPath, contentOf(current.outcome), { encoding: 'utf8', mode: 0o600 });
      }
    }
    const afterChange = commit.beforeChange(current.stored, current.outcome);
    if (current.outcome.action === 'replace') {
      renameSync(lockPath, recordPath);
      holding = false;
    } else {
      removeFileSync(recordPath);
      holding = false;
      release(commit);
    }
    afterChange();
    return current.results;
  } catch (error) {
    // Only a lock still ours is removed: once renamed away, the name may be another holder's.
    if (holding) release(commit);
    throw error;
  }
}

function plan(
  commit: SessionFileCommit,
  text: string | undefined,
  operations: readonly FileOperation[],
): Plan {
  const stored = commit.parse(text);
  const { outcome, results } = applyFileOperations(stored, operations, Date.now());
  // Removing a file that is not there changes nothing.
  const unchanged = outcome.action === 'remove' && text === undefined;
  return { text, stored, outcome: unchanged ? NOTHING : outcome, results };
}

/** What the lock file holds: the new record, or nothing when the record goes. */
function contentOf(outcome: FileOutcome): string {
  return outcome.action === 'replace' ? serializeSessionRecord(outcome.record) : '';
}

/** Removes the lock file without renaming it; one that cannot be removed goes stale by itself. */
function release(commit: SessionFileCommit): void {
  try {
    removeFileSync(commit.lockPath);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    commit.warn(`[tina4-session] file store: could not remove ${commit.lockPath}: ${reason}`);
  }
}
