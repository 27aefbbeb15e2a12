import type { AnyKysely } from '../any-kysely.js';
import type { DatabaseEngine } from '../database-url.js';
import { createMysqlUpsert } from './mysql-upsert.js';
import { createPostgresUpsert } from './postgres-upsert.js';
import type { SessionUpsert } from './session-upsert.js';
import { createSqliteUpsert } from './sqlite-upsert.js';

/**
 * The engine's one-statement write, or undefined for the engines that keep the transactional
 * path: SQL Server (no JSON merge function: JSON_MODIFY changes one path per call) and Firebird 3
 * (no JSON functions).
 */
export function createSessionUpsert(
  db: AnyKysely,
  engine: DatabaseEngine,
  table: string,
): SessionUpsert | undefined {
  switch (engine) {
    case 'postgres':
      return createPostgresUpsert(db, table);
    case 'mysql':
      return createMysqlUpsert(db, table);
    case 'sqlite':
      return createSqliteUpsert(db, table);
    default:
      return undefined;
  }
}
