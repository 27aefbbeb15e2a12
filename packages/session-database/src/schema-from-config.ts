import { SessionConfigError, type SessionSchemaModule } from '@tina4/session-core';
import { databaseSettingsFromConfig } from './database-settings.js';
import { parseDatabaseUrl, redactUrl } from './database-url.js';
import { sessionSchemaStatements } from './session-ddl.js';
import { DEFAULT_TABLE } from './session-tables.js';

/**
 * The DDL of the database that the configuration names (`DATABASE_URL` or `TINA4_DATABASE_URL`,
 * `TINA4_SESSION_TABLE`), in its engine's dialect, for `tina4-session ddl`. Only the URL's scheme
 * matters: nothing is imported or connected.
 *
 * @throws {@link SessionConfigError} without a URL, or for a URL or table name the store refuses.
 */
export const sessionSchemaFromConfig: SessionSchemaModule['sessionSchemaFromConfig'] = (config) => {
  const { url, table = DEFAULT_TABLE } = databaseSettingsFromConfig(config);
  if (url === undefined) {
    throw new SessionConfigError(
      'TINA4_SESSION_BACKEND=database needs a database to write the DDL for: set DATABASE_URL or ' +
        'TINA4_DATABASE_URL (e.g. sqlite:///data/sessions.db or postgres://user:pass@host:5432/app).',
    );
  }
  const { engine } = parseDatabaseUrl(url);
  return {
    dialect: engine,
    location: `${redactUrl(url)}, table ${table}`,
    statements: sessionSchemaStatements(engine, table),
  };
};
