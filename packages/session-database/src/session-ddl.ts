import { FirebirdAdapter, FirebirdIntrospector, FirebirdQueryCompiler } from '@tina4/kysely-firebird';
import {
  type DatabaseIntrospector,
  type DialectAdapter,
  DummyDriver,
  Kysely,
  MssqlAdapter,
  MssqlIntrospector,
  MssqlQueryCompiler,
  MysqlAdapter,
  MysqlIntrospector,
  MysqlQueryCompiler,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import type { AnyKysely } from './any-kysely.js';
import type { DatabaseEngine } from './database-url.js';
import { schemaSteps } from './session-schema.js';
import { DEFAULT_TABLE, sessionTables } from './session-tables.js';

/** Each engine's SQL flavour, without its driver: enough to compile statements, never to run them. */
const FLAVOURS: Readonly<
  Record<
    DatabaseEngine,
    {
      adapter(): DialectAdapter;
      compiler(): QueryCompiler;
      introspector(db: AnyKysely): DatabaseIntrospector;
    }
  >
> = {
  sqlite: {
    adapter: () => new SqliteAdapter(),
    compiler: () => new SqliteQueryCompiler(),
    introspector: (db) => new SqliteIntrospector(db),
  },
  postgres: {
    adapter: () => new PostgresAdapter(),
    compiler: () => new PostgresQueryCompiler(),
    introspector: (db) => new PostgresIntrospector(db),
  },
  mysql: {
    adapter: () => new MysqlAdapter(),
    compiler: () => new MysqlQueryCompiler(),
    introspector: (db) => new MysqlIntrospector(db),
  },
  mssql: {
    adapter: () => new MssqlAdapter(),
    compiler: () => new MssqlQueryCompiler(),
    introspector: (db) => new MssqlIntrospector(db),
  },
  firebird: {
    adapter: () => new FirebirdAdapter(),
    compiler: () => new FirebirdQueryCompiler(),
    introspector: (db) => new FirebirdIntrospector(db),
  },
};

/**
 * The statements that create the store's tables and index in `engine`'s dialect, exactly those the
 * store runs on first use (both come from `schemaSteps`), computed without a driver or a
 * connection: for a migration, or a database user who may not create tables. Where the engine has
 * it, they say `IF NOT EXISTS` and can be run again; on SQL Server and Firebird, which lack it, the
 * store looks in the catalog instead, and these statements fail on a table that exists.
 *
 * @param table The session table (default `tina4_session`); the lock table adds `_lock`.
 * @throws {@link SessionConfigError} for a table name the store does not accept.
 */
export function sessionSchemaStatements(engine: DatabaseEngine, table: string = DEFAULT_TABLE): string[] {
  const flavour = FLAVOURS[engine];
  const db: AnyKysely = new Kysely({
    dialect: {
      createAdapter: flavour.adapter,
      createDriver: () => new DummyDriver(),
      createQueryCompiler: flavour.compiler,
      createIntrospector: flavour.introspector,
    },
  });
  return schemaSteps(engine, sessionTables(table)).map(({ create }) => {
    const compiled = create.compile(db);
    // DDL takes no bound values; one here would be lost in the printed text.
    if (compiled.parameters.length > 0) throw new Error('A schema statement has bound parameters.');
    return tidy(compiled.sql);
  });
}

/** The statement as a person would lay it out: one column per line, indented by two spaces. */
function tidy(statement: string): string {
  const lines = statement
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return lines.map((line, index) => (index === 0 || line.startsWith(')') ? line : `  ${line}`)).join('\n');
}
