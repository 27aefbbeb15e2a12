import { existsSync, mkdirSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionKey } from '../store-kit/session-store.js';
import { type UserKey, userKeyOfFields } from '../store-kit/user-binding.js';
import type { UserSessionRecord } from '../store-kit/user-sessions.js';
import type { FileOutcome } from './file-operations.js';
import { errorCode, removeFileSync } from './file-system.js';
import type { StoredRecord } from './session-file.js';
import type { ReleaseBatchLock } from './write-batcher.js';

/** Beside the session files, with their prefix: `sess-users/<user key>/<session key>`. */
const USERS_DIRECTORY = 'sess-users';
const KEY_PATTERN = /^[0-9a-f]{64}$/;

export interface FileUserIndexOptions {
  /** The store's directory. */
  readonly directory: string;
  /** Takes the write lock of a session's file (the one its writes hold). */
  lock(key: SessionKey): Promise<ReleaseBatchLock>;
  /** What a session's file holds now. */
  read(key: SessionKey): StoredRecord;
}

/**
 * The file store's sessions by user, kept on disk so that it survives restarts and is shared by
 * the processes that share the directory: an empty marker file `sess-users/<user key>/<session
 * key>` per bound session. Markers change only under the session file's write lock (in the commit
 * of a write, and when a listing prunes one), so a marker and the binding it stands for never
 * disagree in a way that hides a session:
 *
 * - before a write stores a binding, the marker exists (created first; a crash in between leaves a
 *   marker too many, never one too few);
 * - after a write ends a binding (destroy, regenerate, another user, expiry reaped), its marker goes;
 * - a listing reads the session behind each marker and keeps only live sessions bound to the user;
 *   a marker found stale is removed after a second look under the lock.
 */
export class FileUserIndex {
  readonly #root: string;
  readonly #options: FileUserIndexOptions;

  constructor(options: FileUserIndexOptions) {
    this.#options = options;
    this.#root = join(options.directory, USERS_DIRECTORY);
  }

  /**
   * Called in a commit, under the lock, before `outcome` is written over `stored`: makes sure the
   * marker of the user the session will be bound to exists (throws, failing the commit, when it
   * cannot be written). Returns what to do once the session file is written: remove the marker of
   * a binding that ended. Synchronous, like the rest of the commit.
   */
  beforeCommit(key: SessionKey, stored: StoredRecord, outcome: FileOutcome): () => void {
    const before = stored && stored !== 'corrupt' ? userKeyOfFields(stored.fields) : undefined;
    const after = outcome.action === 'replace' ? userKeyOfFields(outcome.record.fields) : undefined;
    if (after !== undefined) this.#ensureMarker(after, key);
    return () => {
      if (before !== undefined && before !== after) this.#removeMarker(before, key);
    };
  }

  /** The live sessions bound to `user`, read from their files; stale markers are pruned on the way. */
  async listUserSessions(user: UserKey): Promise<UserSessionRecord[]> {
    const records: UserSessionRecord[] = [];
    const stale: SessionKey[] = [];
    const now = Date.now();
    for (const key of this.#markedKeys(user)) {
      const stored = this.#options.read(key);
      if (isBoundLive(stored, user, now))
        records.push({ key, fields: stored.fields, expiresAt: stored.expiresAt });
      else stale.push(key);
    }
    await Promise.all(stale.map((key) => this.#prune(user, key)));
    return records;
  }

  /** Removes the marker of `key` unless, looked at again under the lock, it is live and bound to `user`. */
  async #prune(user: UserKey, key: SessionKey): Promise<void> {
    const release = await this.#options.lock(key);
    try {
      if (!isBoundLive(this.#options.read(key), user, Date.now())) this.#removeMarker(user, key);
    } finally {
      release();
    }
  }

  #markedKeys(user: UserKey): SessionKey[] {
    try {
      return readdirSync(join(this.#root, user)).filter((name) => KEY_PATTERN.test(name));
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return [];
      throw error;
    }
  }

  #ensureMarker(user: UserKey, key: SessionKey): void {
    const directory = join(this.#root, user);
    const marker = join(directory, key);
    if (existsSync(marker)) return;
    // A listing may remove the user's emptied directory in between: make it again and retry.
    for (let attempt = 1; ; attempt++) {
      try {
        writeFileSync(marker, '', { flag: 'w', mode: 0o600 });
        return;
      } catch (error) {
        if (errorCode(error) !== 'ENOENT' || attempt >= 3) throw error;
      }
      mkdirSync(directory, { recursive: true, mode: 0o700 });
    }
  }

  /** Best effort: the session file is written already, and a marker too many hides nothing. */
  #removeMarker(user: UserKey, key: SessionKey): void {
    const directory = join(this.#root, user);
    try {
      removeFileSync(join(directory, key));
      rmdirSync(directory);
    } catch {
      // Not empty (the user's other sessions), or a disk error: the next listing looks again.
    }
  }
}

function isBoundLive(
  stored: StoredRecord,
  user: UserKey,
  now: number,
): stored is Exclude<StoredRecord, 'corrupt' | undefined> {
  return (
    stored !== undefined &&
    stored !== 'corrupt' &&
    stored.expiresAt > now &&
    userKeyOfFields(stored.fields) === user
  );
}
