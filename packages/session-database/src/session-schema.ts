import { setTimeout as sleep } from 'node:timers/promises';
import { type RawBuilder, sql } from 'kysely';
import type { AnyKysely } from './any-kysely.js';
import type { DatabaseEngine } from './database-url.js';
import type { SessionTables } from './session-tables.js';
import { isAlreadyExists } from './sql-errors.js';

/** One CREATE statement, with a catalog lookup for engines that lack `IF NOT EXISTS`. */
export interface SchemaStep {
  readonly create: RawBuilder<unknown>;
  readonly exists?: (db: AnyKysely) => Promise<boolean>;
}

/**
 * Column types per engine: the key is a SHA-256 hex digest, data a JSON object, expiry epoch ms;
 * the user key (of a session bound to a user, else null) is a SHA-256 hex digest too.
 * SQL Server gets nvarchar keys because its drivers send strings as nvarchar, and comparing an
 * nvarchar parameter with a varchar column converts the column, which can defeat the index.
 */
const TYPES: Readonly<Record<DatabaseEngine, { key: string; data: string; epochMs: string }>> = {
  sqlite: { key: 'text', data: 'text', epochMs: 'integer' },
  postgres: { key: 'varchar(64)', data: 'text', epochMs: 'bigint' },
  mysql: { key: 'varchar(64)', data: 'longtext', epochMs: 'bigint' },
  mssql: { key: 'nvarchar(64)', data: 'nvarchar(max)', epochMs: 'bigint' },
  firebird: { key: 'varchar(64)', data: 'blob sub_type text character set utf8', epochMs: 'bigint' },
};

/**
 * The store's schema, step by step, in `engine`'s dialect: what {@link ensureSessionSchema} runs and
 * what `sessionSchemaStatements` prints (the DDL is written once, here).
 */
export function schemaSteps(engine: DatabaseEngine, tables: SessionTables): SchemaStep[] {
  const types = TYPES[engine];
  const key = sql.raw(types.key);
  const epochMs = sql.raw(types.epochMs);
  const ifNotExists = sql.raw(engine === 'mssql' || engine === 'firebird' ? '' : 'if not exists ');
  // MySQL has no CREATE INDEX IF NOT EXISTS, so its index is part of the table; InnoDB is what
  // gives the row locks and transactions the store relies on.
  const mysql = engine === 'mysql';
  const inlineIndex = mysql
    ? sql`,
      index ${sql.id(tables.expiresIndex)} (${sql.ref('expires_at')}),
      ${userIndexDefinition(tables)}`
    : sql``;
  const tableOptions = sql.raw(mysql ? ' engine=InnoDB default character set utf8mb4' : '');

  const sessionTable: SchemaStep = {
    create: sql`create table ${ifNotExists}${sql.table(tables.session)} (
      ${sql.ref('session_key')} ${key} not null primary key,
      ${sql.ref('data')} ${sql.raw(types.data)} not null,
      ${sql.ref('expires_at')} ${epochMs} not null,
      ${userKeyColumn(engine)}${inlineIndex}
    )${tableOptions}`,
    exists: catalogTable(engine, tables.session),
  };
  const expiresIndex: SchemaStep = {
    create: sql`create index ${ifNotExists}${sql.id(tables.expiresIndex)} on ${sql.table(tables.session)} (${sql.ref('expires_at')})`,
    exists: catalogIndex(engine, tables.session, tables.expiresIndex),
  };
  const lockTable: SchemaStep = {
    create: sql`create table ${ifNotExists}${sql.table(tables.lock)} (
      ${sql.ref('session_key')} ${key} not null primary key,
      ${sql.ref('token')} ${key} not null,
      ${sql.ref('lease_until')} ${epochMs} not null
    )${tableOptions}`,
    exists: catalogTable(engine, tables.lock),
  };
  return mysql
    ? [sessionTable, lockTable]
    : [sessionTable, expiresIndex, userIndexStep(engine, tables), lockTable];
}

/** The nullable `user_key` column: the user key of the session's binding (`setUser`), null when unbound. */
function userKeyColumn(engine: DatabaseEngine): RawBuilder<unknown> {
  // SQL Server's default nullability depends on session settings; Firebird refuses an explicit NULL.
  return sql`${sql.ref('user_key')} ${sql.raw(TYPES[engine].key)}${sql.raw(engine === 'mssql' ? ' null' : '')}`;
}

/** MySQL's index on the user key, inside a CREATE or ALTER TABLE (it has no CREATE INDEX IF NOT EXISTS). */
function userIndexDefinition(tables: SessionTables): RawBuilder<unknown> {
  return sql`index ${sql.id(tables.userIndex)} (${sql.ref('user_key')})`;
}

function userIndexStep(engine: DatabaseEngine, tables: SessionTables): SchemaStep {
  const ifNotExists = sql.raw(engine === 'mssql' || engine === 'firebird' ? '' : 'if not exists ');
  return {
    create: sql`create index ${ifNotExists}${sql.id(tables.userIndex)} on ${sql.table(tables.session)} (${sql.ref('user_key')})`,
    exists: catalogIndex(engine, tables.session, tables.userIndex),
  };
}

/**
 * What a session table created before the user column needs: the `user_key` column and its index,
 * each skipped when it exists. {@link ensureSessionSchema} runs them on first use.
 */
export function userColumnSteps(engine: DatabaseEngine, tables: SessionTables): SchemaStep[] {
  const table = sql.table(tables.session);
  const hasColumn = async (db: AnyKysely): Promise<boolean> => {
    try {
      // Qualified, so that SQLite cannot read a missing column's quoted name as a string literal.
      await sql`select ${sql.ref(`${tables.session}.user_key`)} from ${table} where 1 = 0`.execute(db);
      return true;
    } catch {
      return false;
    }
  };
  const addColumn = sql`alter table ${table} add ${userKeyColumn(engine)}`;
  if (engine === 'mysql') {
    return [{ create: sql`${addColumn}, add ${userIndexDefinition(tables)}`, exists: hasColumn }];
  }
  return [{ create: addColumn, exists: hasColumn }, userIndexStep(engine, tables)];
}

function catalogTable(engine: DatabaseEngine, table: string): SchemaStep['exists'] {
  if (engine === 'mssql') {
    return async (db) =>
      (
        await sql`select 1 as found from sys.tables where name = ${table} and schema_id = schema_id()`.execute(
          db,
        )
      ).rows.length > 0;
  }
  if (engine === 'firebird') {
    return async (db) =>
      (await sql`select 1 as "found" from rdb$relations where rdb$relation_name = ${table}`.execute(db)).rows
        .length > 0;
  }
  return undefined;
}

function catalogIndex(engine: DatabaseEngine, table: string, index: string): SchemaStep['exists'] {
  if (engine === 'mssql') {
    return async (db) =>
      (
        await sql`select 1 as found from sys.indexes where name = ${index} and object_id = object_id(${table})`.execute(
          db,
        )
      ).rows.length > 0;
  }
  if (engine === 'firebird') {
    return async (db) =>
      (await sql`select 1 as "found" from rdb$indices where rdb$index_name = ${index}`.execute(db)).rows
        .length > 0;
  }
  return undefined;
}

// Engines whose DDL is transactional get the whole schema in one transaction: the tables and the
// index appear together, so no process ever writes to a table whose index another process is still
// building (on Firebird that wait is a deadlock, found only after its 10 s DeadlockTimeout).
const TRANSACTIONAL_DDL: ReadonlySet<DatabaseEngine> = new Set(['sqlite', 'postgres', 'mssql', 'firebird']);

/**
 * Creates the session and lock tables and the expiry index unless both tables exist. Safe when several
 * processes start at once: `IF NOT EXISTS` where the engine has it, a catalog lookup where it
 * does not (SQL Server, Firebird). A process that loses the creation race gets an error from its
 * CREATE (or its whole DDL transaction), waits for the winner to commit, and runs the steps again,
 * which then find everything in place.
 */
export async function ensureSessionSchema(
  db: AnyKysely,
  engine: DatabaseEngine,
  tables: SessionTables,
): Promise<void> {
  const sessionTable = await tableExists(db, tables.session);
  // A session table from before the user column gets it (and its index) first: every statement,
  // and the steps below, need it.
  if (sessionTable) await runSteps(db, userColumnSteps(engine, tables), true);
  // Tables made by a migration (or an earlier start) need no DDL at all, nor the right to run it.
  if (sessionTable && (await tableExists(db, tables.lock))) return;
  const steps = schemaSteps(engine, tables);
  const attempt = (): Promise<void> =>
    TRANSACTIONAL_DDL.has(engine)
      ? db.transaction().execute((trx) => runSteps(trx, steps, false))
      : runSteps(db, steps, true);
  try {
    await attempt();
  } catch {
    await sleep(100 + Math.random() * 200);
    await attempt();
  }
}

/** Whether the table can be queried; any error (missing table, no connection) counts as no. */
async function tableExists(db: AnyKysely, table: string): Promise<boolean> {
  try {
    await sql`select 1 as ${sql.id('probe')} from ${sql.table(table)} where 1 = 0`.execute(db);
    return true;
  } catch {
    return false;
  }
}

/** `tolerant`: outside a transaction, a CREATE that lost a race to another process is no error. */
async function runSteps(db: AnyKysely, steps: readonly SchemaStep[], tolerant: boolean): Promise<void> {
  for (const step of steps) {
    if (step.exists && (await step.exists(db))) continue;
    try {
      await step.create.execute(db);
    } catch (error) {
      // Lost a race to another process: the object is there now.
      if (tolerant && (isAlreadyExists(error) || (step.exists !== undefined && (await step.exists(db)))))
        continue;
      throw error;
    }
  }
}
