import type { DatabaseUrl } from '../database-url.js';
import type { DialectOptions, OpenedDatabase } from './dialect-options.js';
import { createFirebirdKysely } from './firebird.js';
import { createMssqlKysely } from './mssql.js';
import { createMysqlKysely } from './mysql.js';
import { createPostgresKysely } from './postgres.js';
import { createSqliteKysely } from './sqlite.js';

/**
 * A Kysely instance for a parsed `DATABASE_URL`, importing only that engine's driver. SQLite files
 * are opened once per process and shared (see sqlite.ts).
 *
 * @throws {@link SessionBackendNotInstalledError} naming the install command when the driver is missing.
 */
export function createKyselyForUrl(url: DatabaseUrl, options: DialectOptions): Promise<OpenedDatabase> {
  switch (url.engine) {
    case 'sqlite':
      return createSqliteKysely(url, options);
    case 'postgres':
      return createPostgresKysely(url, options);
    case 'mysql':
      return createMysqlKysely(url, options);
    case 'mssql':
      return createMssqlKysely(url, options);
    case 'firebird':
      return createFirebirdKysely(url, options);
  }
}
