/**
 * Preloaded (`node --import`) into a SQLite server only for the store-operation count: SQLite runs
 * inside the server process, so there is no wire to watch. Wraps the execution methods of
 * better-sqlite3's statements to count them by SQL verb. The wrapped module is the one the
 * backend package loads too (pnpm links one copy of a version; Node caches modules by real path).
 */
import { createRequire } from 'node:module';
import { sqlVerb } from '../ops/command-decoder.js';
import type { LocalIoGlobals } from './bench-server.js';

interface SqliteStatement {
  readonly source: string;
}
type SqliteDatabase = new (filename: string) => { prepare(sql: string): SqliteStatement; close(): void };

const statements: Record<string, number> = {};
const require = createRequire(import.meta.url);
const Database = require('better-sqlite3') as SqliteDatabase;

// The Statement class is not exported: reach its prototype through a statement of a throwaway database.
const scratch = new Database(':memory:');
const prototype = Object.getPrototypeOf(scratch.prepare('SELECT 1')) as Record<string, unknown>;
scratch.close();
for (const method of ['run', 'get', 'all', 'iterate']) {
  const original = prototype[method] as (this: SqliteStatement, ...args: unknown[]) => unknown;
  prototype[method] = function counting(this: SqliteStatement, ...args: unknown[]) {
    const verb = sqlVerb(this.source);
    statements[verb] = (statements[verb] ?? 0) + 1;
    return original.apply(this, args);
  };
}

(globalThis as LocalIoGlobals).__benchSqliteStatements = statements;
