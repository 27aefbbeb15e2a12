import type { SessionConfig } from '../config/session-config.js';

/** The tables a store needs, as SQL that a migration or a database administrator can run. */
export interface SessionSchema {
  /** The SQL dialect of the statements: `sqlite`, `postgres`, `mysql`, `mssql`, `firebird`. */
  readonly dialect: string;
  /** Where they apply, for the operator: the database (password masked) and the table. */
  readonly location: string;
  /** Complete statements, without the closing `;`. */
  readonly statements: readonly string[];
}

/**
 * What a backend package whose store keeps tables exports beside `createStoreFromConfig`, so that
 * `tina4-session ddl` prints the store's own DDL without connecting to anything.
 */
export interface SessionSchemaModule {
  sessionSchemaFromConfig(config: SessionConfig): SessionSchema;
}
