import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { SessionLogger } from '../config/session-config.js';
import { SessionConfigError } from '../errors.js';
import { applyChangeSet } from '../store/apply-change-set.js';
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
import { removeFile } from './file/file-system.js';
import { SessionLocks, WriteLocks } from './file/process-locks.js';
import { startReaper } from './file/reaper.js';
import { readSessionFile, type SessionRecord, writeSessionFile } from './file/session-file.js';

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
 * that change different fields both survive, within a process and across processes. Not for
 * network filesystems whose exclusive create is not atomic (old NFS); use a server-backed store
 * across machines.
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

  /** The live record in a session file: missing, expired and corrupt records are all `undefined`. */
  const load = async (path: string): Promise<SessionRecord | undefined> => {
    const record = await readSessionFile(path);
    if (record === 'corrupt') {
      reportCorrupt(path);
      return undefined;
    }
    return record && record.expiresAt > Date.now() ? record : undefined;
  };

  /** Runs `work` on a session's file under its write lock; creates the directory first. */
  const withWriteLock = async (key: SessionKey, work: (path: string) => Promise<void>): Promise<void> => {
    const path = pathOf(key, SESSION_SUFFIX);
    await mkdir(directory, { recursive: true, mode: 0o700 });
    await writeLocks.run(key, pathOf(key, WRITE_LOCK_SUFFIX), () => work(path));
  };

  /** A file that the reaper must leave alone: absent, or a record that has not expired. */
  const isKept = async (path: string): Promise<boolean> => {
    const record = await readSessionFile(path);
    if (record === 'corrupt') reportCorrupt(path);
    return record === undefined || (record !== 'corrupt' && record.expiresAt > Date.now());
  };

  const reaper = startReaper({
    directory,
    intervalMs: options.reapIntervalMs ?? 10 * 60_000,
    logger,
    async reapSession(key) {
      // A look without the lock first: most files are live and need no lock at all.
      if (await isKept(pathOf(key, SESSION_SUFFIX))) return;
      await withWriteLock(key, async (path) => {
        if (await isKept(path)) return; // written again meanwhile
        await removeFile(path);
        reportedCorrupt.delete(path);
      });
    },
  });

  return {
    name: 'file',

    async read(key: SessionKey): Promise<StoredSession | undefined> {
      const record = await load(pathOf(key, SESSION_SUFFIX));
      return record && { fields: record.fields, expiresAt: record.expiresAt };
    },

    async write(key: SessionKey, changes: SessionChangeSet, ttlSeconds: number): Promise<void> {
      await withWriteLock(key, async (path) => {
        const fields = applyChangeSet((await load(path))?.fields, changes);
        await writeSessionFile(path, { expiresAt: Date.now() + ttlSeconds * 1000, fields });
        reportedCorrupt.delete(path);
      });
    },

    async touch(key: SessionKey, ttlSeconds: number): Promise<void> {
      await withWriteLock(key, async (path) => {
        const record = await load(path);
        if (record)
          await writeSessionFile(path, { expiresAt: Date.now() + ttlSeconds * 1000, fields: record.fields });
      });
    },

    async destroy(key: SessionKey): Promise<void> {
      // Under the write lock, so that a write in flight cannot bring the record back after it is gone.
      await withWriteLock(key, async (path) => {
        await removeFile(path);
        reportedCorrupt.delete(path);
      });
    },

    async lock(key: SessionKey, options: SessionLockOptions): Promise<ReleaseSessionLock> {
      const lockPath = pathOf(key, SESSION_LOCK_SUFFIX);
      await mkdir(directory, { recursive: true, mode: 0o700 });
      return sessionLocks.take(key, lockPath, options);
    },

    close: () => reaper.stop(),
  };
}
