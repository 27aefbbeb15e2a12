import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SessionConfigError } from '../errors.js';
import type { SessionLogger } from '../logger.js';
import { checkMaxSessions } from '../store-kit/max-sessions.js';
import type {
  MoveSession,
  ReleaseSessionLock,
  SessionChangeSet,
  SessionFields,
  SessionKey,
  SessionLockOptions,
  StoredSession,
  WriteOptions,
} from '../store-kit/session-store.js';
import { SharedSessionLocks } from '../store-kit/shared-session-locks.js';
import type { SessionStoreWithUserSessions } from '../store-kit/user-sessions.js';
import { commitSessionFile } from './commit-session-file.js';
import { fileStoreMaintenance } from './file-maintenance.js';
import { SESSION_LOCK_SUFFIX, SESSION_SUFFIX, sessionFilePath, WRITE_LOCK_SUFFIX } from './file-names.js';
import type { FileOperation, FileOperationResult } from './file-operations.js';
import { SessionLockFiles, WriteLocks, waitForWriteLock } from './process-locks.js';
import { startReaper } from './reaper.js';
import { RecentReads } from './recent-reads.js';
import {
  parseSessionRecord,
  readSessionFile,
  readSessionTextSync,
  type SessionRecord,
  type StoredRecord,
} from './session-file.js';
import { SessionFileCount } from './session-file-count.js';
import { FileUserIndex } from './user-index.js';
import { WriteBatcher } from './write-batcher.js';

export interface FileStoreOptions {
  /** Directory of the session files; created (mode 0700) when missing. `TINA4_SESSION_PATH`. */
  directory: string;
  /** Where corrupt files and cleanup problems are reported (default `console`). */
  logger?: SessionLogger;
  /** How often expired files are removed, in milliseconds (default 10 minutes). */
  reapIntervalMs?: number;
  /**
   * Most session files the directory may hold (`TINA4_SESSION_MAX_SESSIONS`; default: no bound).
   * Once reached, new sessions are refused (their requests get 503 and the log says why) until
   * expired ones are removed; existing sessions keep working. See {@link SessionFileCount}.
   */
  maxSessions?: number;
}

/**
 * Sessions as files, one per session: `<directory>/sess-<key>.json` (mode 0600) holding
 * `{ "expiresAt": <epoch ms>, "fields": { ... } }`. The default store: no server, no dependencies.
 *
 * Several processes may share the directory (a cluster on one machine): a write reads, merges and
 * atomically replaces the file under an exclusive lock file, so concurrent requests of one session
 * that change different fields both survive, within a process and across processes. Changes of one
 * session that arrive together in this process are committed together: one lock, one read, one
 * replaced file for all of them (see WriteBatcher).
 *
 * The small session and lock files are read and written with synchronous calls, which take
 * microseconds on a local disk (see `session-file.ts` for why): keep the directory on a local
 * disk, not a network filesystem, where each call could block the process and whose exclusive
 * create may not be atomic (old NFS). Use a server-backed store across machines.
 */
export function createFileStore(options: FileStoreOptions): SessionStoreWithUserSessions {
  if (typeof options.directory !== 'string' || options.directory.trim() === '') {
    throw new SessionConfigError(
      'createFileStore needs a directory, e.g. { directory: "./sessions" } (TINA4_SESSION_PATH).',
    );
  }
  checkMaxSessions('createFileStore', options.maxSessions);
  const directory = resolve(options.directory);
  const logger = options.logger ?? console;
  const pathOf = (key: SessionKey, suffix: string): string => sessionFilePath(directory, key, suffix);
  const writeLocks = new WriteLocks(logger);
  const sessionLocks = new SharedSessionLocks(
    new SessionLockFiles((key) => pathOf(key, SESSION_LOCK_SUFFIX)),
  );
  const reportedCorrupt = new Set<string>();

  /** Each corrupt file is reported once, not on every request that reads it. */
  const reportCorrupt = (path: string): void => {
    if (reportedCorrupt.has(path)) return;
    reportedCorrupt.add(path);
    logger.warn(
      `[tina4-session] file store: ignored ${path}: it is not a valid session record (truncated or edited?). ` +
        'It counts as a missing session and is removed by the next cleanup.',
    );
  };

  /** The record in a session file's text (undefined: no file), with a corrupt file reported. */
  const parseStored = (path: string, text: string | undefined): StoredRecord => {
    const stored = text === undefined ? undefined : parseSessionRecord(text);
    if (stored === 'corrupt') reportCorrupt(path);
    return stored;
  };
  // Only kept when there is a bound to check.
  const sessionFiles = options.maxSessions === undefined ? undefined : new SessionFileCount(directory);
  /** Throws when the directory holds its bound of sessions. */
  const refuseIfFull = (count: number): void => {
    if (options.maxSessions === undefined || count < options.maxSessions) return;
    throw new Error(
      `the file store holds ${count} sessions, its bound (TINA4_SESSION_MAX_SESSIONS=${options.maxSessions}): ` +
        'new sessions are refused until expired ones are removed. Raise the bound, shorten TINA4_SESSION_TTL, ' +
        'or look for a client creating sessions in a loop',
    );
  };

  /** The stored record, with a corrupt file reported. */
  const readStored = (path: string): StoredRecord => parseStored(path, readSessionTextSync(path));
  // What reads saw, for the writes that follow them (see RecentReads).
  const recentReads = new RecentReads();

  // The sessions of each user (`setUser`), kept by the commits below: see user-index.ts.
  const userIndex = new FileUserIndex({
    directory,
    lock: (key) => writeLocks.take(pathOf(key, WRITE_LOCK_SUFFIX)),
    read: (key) => readStored(pathOf(key, SESSION_SUFFIX)),
  });

  // Every change of a session file (create, update, touch, take, destroy, the reaper's removal)
  // goes through the batcher: changes of one key that queue up are applied together, in order,
  // under one lock.
  const batcher = new WriteBatcher<FileOperation, FileOperationResult>({
    commit(key, operations) {
      const recordPath = pathOf(key, SESSION_SUFFIX);
      return commitSessionFile(
        {
          recordPath,
          lockPath: pathOf(key, WRITE_LOCK_SUFFIX),
          remembered: recentReads.take(key),
          parse: (text) => parseStored(recordPath, text),
          beforeChange(stored, outcome) {
            const afterWrite = userIndex.beforeCommit(key, stored, outcome);
            return () => {
              afterWrite();
              if (stored === undefined && outcome.action === 'replace') sessionFiles?.changed(1);
              else if (stored !== undefined && outcome.action === 'remove') sessionFiles?.changed(-1);
              reportedCorrupt.delete(recordPath);
            };
          },
          warn: (message) => logger.warn(message),
        },
        operations,
      );
    },
    waitForLock: (key, since) => waitForWriteLock(pathOf(key, WRITE_LOCK_SUFFIX), since),
  });
  /** Submits a change of `key`; a key that is not a SHA-256 hex digest is refused before it queues. */
  const change = async (key: SessionKey, operation: FileOperation): Promise<FileOperationResult> => {
    pathOf(key, SESSION_SUFFIX);
    return batcher.submit(key, operation);
  };

  const reaper = startReaper({
    directory,
    intervalMs: options.reapIntervalMs ?? 10 * 60_000,
    logger,
    async reapSession(key) {
      // A look without the lock first (and without blocking): most files are live and need no lock.
      const path = pathOf(key, SESSION_SUFFIX);
      const stored = await readSessionFile(path);
      if (stored === 'corrupt') reportCorrupt(path);
      else if (stored === undefined || stored.expiresAt > Date.now()) return;
      // Under the lock, the batch looks again: the session may have been written meanwhile.
      await batcher.submit(key, { kind: 'reap' });
    },
  });

  return {
    name: 'file',
    location: directory,

    async ping(): Promise<void> {
      // The directory exists (or can be made) and takes new files: what every write needs.
      await mkdir(directory, { recursive: true, mode: 0o700 });
      await access(directory, constants.W_OK | constants.X_OK);
    },

    async read(key: SessionKey): Promise<StoredSession | undefined> {
      const path = pathOf(key, SESSION_SUFFIX);
      const text = readSessionTextSync(path);
      if (text === undefined) return undefined;
      const stored = parseStored(path, text);
      if (stored === 'corrupt' || stored === undefined || stored.expiresAt <= Date.now()) return undefined;
      // A write of this session usually follows within the request: it starts from this text.
      recentReads.remember(key, text);
      return { fields: stored.fields, expiresAt: stored.expiresAt };
    },

    async create(
      key: SessionKey,
      fields: Readonly<SessionFields>,
      { ttlSeconds }: WriteOptions,
    ): Promise<boolean> {
      if (sessionFiles !== undefined) {
        // Checked without waiting once the directory has been counted: a create must join the
        // queue of its key in the order it was called, like every other change.
        refuseIfFull(sessionFiles.peek() ?? (await sessionFiles.firstCount()));
      }
      return (await change(key, { kind: 'create', fields, ttlSeconds })) === true;
    },

    async update(key: SessionKey, changes: SessionChangeSet, { ttlSeconds }: WriteOptions): Promise<boolean> {
      return (await change(key, { kind: 'update', changes, ttlSeconds })) === true;
    },

    async move(
      from: SessionKey,
      to: SessionKey,
      move: MoveSession,
      { ttlSeconds }: WriteOptions,
    ): Promise<boolean> {
      // Two files cannot change in one atomic step: the record is taken out of `from` (under its
      // lock, so no write of `from` can follow), then created under the fresh key `to`. If that
      // fails, it is put back where it was.
      const taken = (await change(from, { kind: 'take' })) as SessionRecord | undefined;
      if (!taken) return false;
      try {
        const fields = move(taken.fields);
        if (await change(to, { kind: 'create', fields, ttlSeconds })) return true;
        throw new Error('a record already exists under the regenerated session key');
      } catch (error) {
        const remainingSeconds = Math.max(1, Math.ceil((taken.expiresAt - Date.now()) / 1000));
        await change(from, { kind: 'create', fields: taken.fields, ttlSeconds: remainingSeconds }).catch(
          () => {},
        );
        throw error;
      }
    },

    async touch(key: SessionKey, { ttlSeconds }: WriteOptions): Promise<boolean> {
      return (await change(key, { kind: 'touch', ttlSeconds })) === true;
    },

    async destroy(key: SessionKey): Promise<void> {
      // Queued behind the writes before it, so that none of them can bring the record back.
      await change(key, { kind: 'destroy' });
    },

    lock(key: SessionKey, options: SessionLockOptions): Promise<ReleaseSessionLock> {
      pathOf(key, SESSION_LOCK_SUFFIX);
      return sessionLocks.acquire(key, options);
    },

    // Operators' commands (`tina4-session stats`, `purge`); a purge reaps as the reaper does.
    ...fileStoreMaintenance(directory, (key) => batcher.submit(key, { kind: 'reap' })),

    listUserSessions: (user) => userIndex.listUserSessions(user),

    close: () => reaper.stop(),
  };
}
