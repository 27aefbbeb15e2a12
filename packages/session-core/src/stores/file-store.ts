import { resolve } from 'node:path';
import type { SessionLogger } from '../config/session-config.js';
import { SessionConfigError } from '../errors.js';
import type {
  ReleaseSessionLock,
  SessionChangeSet,
  SessionKey,
  SessionLockOptions,
  SessionStore,
  StoredSession,
} from '../store/session-store.js';
import {
  SESSION_LOCK_SUFFIX,
  SESSION_SUFFIX,
  sessionFilePath,
  WRITE_LOCK_SUFFIX,
} from './file/file-names.js';
import { applyFileOperations, type FileOperation } from './file/file-operations.js';
import { removeFileSync } from './file/file-system.js';
import { SessionLocks, WriteLocks } from './file/process-locks.js';
import { startReaper } from './file/reaper.js';
import {
  readSessionFile,
  readSessionFileSync,
  type StoredRecord,
  writeSessionFileSync,
} from './file/session-file.js';
import { WriteBatcher } from './file/write-batcher.js';

export interface FileStoreOptions {
  /** Directory of the session files; created (mode 0700) when missing. `TINA4_SESSION_PATH`. */
  directory: string;
  /** Where corrupt files and cleanup problems are reported (default `console`). */
  logger?: SessionLogger;
  /** How often expired files are removed, in milliseconds (default 10 minutes). */
  reapIntervalMs?: number;
}

/**
 * Sessions as files, one per session: `<directory>/<key>.json` (mode 0600) holding
 * `{ "expiresAt": <epoch ms>, "fields": { ... } }`. The default store: no server, no dependencies.
 *
 * Several processes may share the directory (a cluster on one machine): a write reads, merges and
 * atomically replaces the file under an exclusive lock file, so concurrent requests of one session
 * that change different fields both survive, within a process and across processes. Changes of one
 * session that arrive together in this process are committed together: one lock, one read, one
 * replaced file for all of them (see WriteBatcher).
 *
 * The small session and lock files are read and written with synchronous calls, which take
 * microseconds on a local disk (see `file/session-file.ts` for why): keep the directory on a local
 * disk, not a network filesystem, where each call could block the process and whose exclusive
 * create may not be atomic (old NFS). Use a server-backed store across machines.
 */
export function createFileStore(options: FileStoreOptions): SessionStore {
  if (typeof options.directory !== 'string' || options.directory.trim() === '') {
    throw new SessionConfigError(
      'createFileStore needs a directory, e.g. { directory: "./sessions" } (TINA4_SESSION_PATH).',
    );
  }
  const directory = resolve(options.directory);
  const logger = options.logger ?? console;
  const pathOf = (key: SessionKey, suffix: string): string => sessionFilePath(directory, key, suffix);
  const writeLocks = new WriteLocks(logger);
  const sessionLocks = new SessionLocks();
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

  /** The stored record, with a corrupt file reported. */
  const readStored = (path: string): StoredRecord => {
    const stored = readSessionFileSync(path);
    if (stored === 'corrupt') reportCorrupt(path);
    return stored;
  };

  // Every change of a session file (write, touch, destroy, the reaper's removal) goes through the
  // batcher: changes of one key that queue up are applied together, in order, under one lock.
  const batcher = new WriteBatcher<FileOperation>({
    lock: (key) => writeLocks.take(pathOf(key, WRITE_LOCK_SUFFIX)),
    commit(key, operations) {
      const path = pathOf(key, SESSION_SUFFIX);
      const outcome = applyFileOperations(readStored(path), operations, Date.now());
      if (outcome.action === 'none') return;
      if (outcome.action === 'replace') writeSessionFileSync(path, outcome.record);
      else removeFileSync(path);
      reportedCorrupt.delete(path);
    },
  });
  /** Submits a change of `key`; a key that is not a SHA-256 hex digest is refused before it queues. */
  const change = async (key: SessionKey, operation: FileOperation): Promise<void> => {
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

    async read(key: SessionKey): Promise<StoredSession | undefined> {
      const stored = readStored(pathOf(key, SESSION_SUFFIX));
      return stored && stored !== 'corrupt' && stored.expiresAt > Date.now()
        ? { fields: stored.fields, expiresAt: stored.expiresAt }
        : undefined;
    },

    write(key: SessionKey, changes: SessionChangeSet, ttlSeconds: number): Promise<void> {
      return change(key, { kind: 'write', changes, ttlSeconds });
    },

    touch(key: SessionKey, ttlSeconds: number): Promise<void> {
      return change(key, { kind: 'touch', ttlSeconds });
    },

    destroy(key: SessionKey): Promise<void> {
      // Queued behind the writes before it, so that none of them can bring the record back.
      return change(key, { kind: 'destroy' });
    },

    async lock(key: SessionKey, options: SessionLockOptions): Promise<ReleaseSessionLock> {
      return sessionLocks.take(key, pathOf(key, SESSION_LOCK_SUFFIX), options);
    },

    close: () => reaper.stop(),
  };
}
