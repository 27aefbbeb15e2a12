import type { AnyKysely } from '../any-kysely.js';
import type { DatabaseEngine } from '../database-url.js';
import type { JsonMergeUpdate } from './json-merge-update.js';
import { createMysqlJsonMerge } from './mysql-json-merge.js';
import { createPostgresJsonMerge } from './postgres-json-merge.js';
import { createSqliteJsonMerge } from './sqlite-json-merge.js';

/**
 * The engine's one-statement update, or undefined for the engines that keep the transactional
 * path: SQL Server (no JSON merge function: JSON_MODIFY changes one path per call) and Firebird 3
 * (no JSON functions).
 */
export function createJsonMergeUpdate(
  db: AnyKysely,
  engine: DatabaseEngine,
  table: string,
): JsonMergeUpdate | undefined {
  switch (engine) {
    case 'postgres':
      return createPostgresJsonMerge(db, table);
    case 'mysql':
      return createMysqlJsonMerge(db, table);
    case 'sqlite':
      return createSqliteJsonMerge(db, table);
    default:
      return undefined;
  }
}
