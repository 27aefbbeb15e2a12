import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Kysely, type SqliteDatabase, SqliteDialect } from 'kysely';
import type { AnyKysely } from '../any-kysely.js';
import type { SqliteUrl } from '../database-url.js';
import { loadDriver } from '../load-driver.js';
import type { DialectOptions, OpenedDatabase } from './dialect-options.js';

/** The parts of better-sqlite3's `Database` used here. */
interface BetterSqlite3Database extends SqliteDatabase {
  pragma(source: string): unknown;
}
type BetterSqlite3 = new (filename: string, options?: { timeout?: number }) => BetterSqlite3Database;

/**
 * One connection per database file per process, shared by every store on that file.
 * better-sqlite3 is synchronous: a second connection of this process that waited for the file's
 * write lock would block the very thread that must finish the transaction holding it, stalling
 * until the busy timeout. Sharing one connection lets Kysely queue the statements instead.
 */
const sharedFiles = new Map<string, { db: AnyKysely; users: number }>();

/** Kysely on better-sqlite3 for `sqlite:///path.db` / `sqlite::memory:`. */
export async function createSqliteKysely(url: SqliteUrl, { load }: DialectOptions): Promise<OpenedDatabase> {
  const Database = await loadDriver<BetterSqlite3>('sqlite', 'better-sqlite3', load);
  if (url.filename === ':memory:') {
    const db = new Kysely({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
    return { db, close: () => db.destroy() };
  }

  const path = resolve(url.filename);
  let shared = sharedFiles.get(path);
  if (!shared) {
    shared = { db: openFile(Database, path), users: 0 };
    sharedFiles.set(path, shared);
  }
  shared.users++;
  const entry = shared;
  const { db } = entry;
  let closed = false;
  return {
    db,
    async close() {
      if (closed) return;
      closed = true;
      if (--entry.users > 0) return;
      sharedFiles.delete(path);
      await db.destroy();
    },
  };
}

function openFile(Database: BetterSqlite3, path: string): AnyKysely {
  // Like Tina4, create the database file (and its folder) when it does not exist yet.
  mkdirSync(dirname(path), { recursive: true });
  // Writers of other processes hold the file lock briefly: wait for it rather than fail at once.
  const database = new Database(path, { timeout: 5000 });
  // WAL lets readers (of this and other processes) proceed while a session is being written.
  database.pragma('journal_mode = WAL');
  return new Kysely({ dialect: new SqliteDialect({ database }) });
}
