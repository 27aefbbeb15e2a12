import {
  type ColumnMetadata,
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type DatabaseMetadataOptions,
  DEFAULT_MIGRATION_LOCK_TABLE,
  DEFAULT_MIGRATION_TABLE,
  type SchemaMetadata,
  sql,
  type TableMetadata,
} from 'kysely';
import type { AnyKysely } from './any-kysely.js';

/** RDB$FIELDS.RDB$FIELD_TYPE codes and their SQL names. */
const FIELD_TYPES: Readonly<Record<number, string>> = {
  7: 'smallint',
  8: 'integer',
  10: 'float',
  12: 'date',
  13: 'time',
  14: 'char',
  16: 'bigint',
  23: 'boolean',
  27: 'double precision',
  35: 'timestamp',
  37: 'varchar',
  261: 'blob',
};

interface ColumnRow {
  table_name: string;
  is_view: number;
  column_name: string;
  field_type: number;
  not_null: number;
  has_default: number;
  is_identity: number;
}

/** Reads tables and columns from Firebird's system tables (Firebird 3 has no schemas). */
export class FirebirdIntrospector implements DatabaseIntrospector {
  readonly #db: AnyKysely;

  constructor(db: AnyKysely) {
    this.#db = db;
  }

  async getSchemas(): Promise<SchemaMetadata[]> {
    return [];
  }

  async getTables(
    options: DatabaseMetadataOptions = { withInternalKyselyTables: false },
  ): Promise<TableMetadata[]> {
    const { rows } = await sql<ColumnRow>`
      select trim(r.rdb$relation_name) as "table_name",
             iif(r.rdb$view_blr is null, 0, 1) as "is_view",
             trim(rf.rdb$field_name) as "column_name",
             f.rdb$field_type as "field_type",
             iif(coalesce(rf.rdb$null_flag, f.rdb$null_flag, 0) = 1, 1, 0) as "not_null",
             iif(coalesce(rf.rdb$default_source, f.rdb$default_source) is null, 0, 1) as "has_default",
             iif(rf.rdb$identity_type is null, 0, 1) as "is_identity"
        from rdb$relations r
        join rdb$relation_fields rf on rf.rdb$relation_name = r.rdb$relation_name
        join rdb$fields f on f.rdb$field_name = rf.rdb$field_source
       where coalesce(r.rdb$system_flag, 0) = 0
       order by r.rdb$relation_name, rf.rdb$field_position`.execute(this.#db);

    const tables = new Map<string, { isView: boolean; columns: ColumnMetadata[] }>();
    for (const row of rows) {
      const internal =
        row.table_name === DEFAULT_MIGRATION_TABLE || row.table_name === DEFAULT_MIGRATION_LOCK_TABLE;
      if (internal && !options.withInternalKyselyTables) continue;
      let table = tables.get(row.table_name);
      if (!table) {
        table = { isView: row.is_view === 1, columns: [] };
        tables.set(row.table_name, table);
      }
      table.columns.push({
        name: row.column_name,
        dataType: FIELD_TYPES[row.field_type] ?? `type ${row.field_type}`,
        isNullable: row.not_null === 0,
        hasDefaultValue: row.has_default === 1,
        isAutoIncrementing: row.is_identity === 1,
      });
    }
    return [...tables].map(([name, table]) => ({ name, ...table }));
  }

  async getMetadata(options?: DatabaseMetadataOptions): Promise<DatabaseMetadata> {
    return { tables: await this.getTables(options) };
  }
}
