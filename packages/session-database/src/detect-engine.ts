import { FirebirdAdapter } from '@tina4/kysely-firebird';
import { MssqlAdapter, MysqlAdapter, PostgresAdapter, SqliteAdapter } from 'kysely';
import type { AnyKysely } from './any-kysely.js';
import type { DatabaseEngine } from './database-url.js';

const ADAPTERS: ReadonlyArray<readonly [abstract new (...args: never[]) => object, DatabaseEngine]> = [
  [SqliteAdapter, 'sqlite'],
  [PostgresAdapter, 'postgres'],
  [MysqlAdapter, 'mysql'],
  [MssqlAdapter, 'mssql'],
  [FirebirdAdapter, 'firebird'],
];

const ADAPTER_NAME = /^(Sqlite|Postgres|Mysql|Mssql|Firebird)Adapter$/;

/**
 * The engine behind a Kysely instance, recognised by its dialect's adapter (subclasses count,
 * as do adapters of another copy of Kysely, by class name). `undefined` for other dialects.
 */
export function detectEngine(db: AnyKysely): DatabaseEngine | undefined {
  const adapter: object = db.getExecutor().adapter;
  for (const [type, engine] of ADAPTERS) if (adapter instanceof type) return engine;
  for (
    let proto = Object.getPrototypeOf(adapter);
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    const match = ADAPTER_NAME.exec(proto.constructor?.name ?? '');
    if (match) return match[1]!.toLowerCase() as DatabaseEngine;
  }
  return undefined;
}
