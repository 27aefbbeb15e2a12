import type { SessionConfig } from '../config/session-config.js';
import type { SessionSchema, SessionSchemaModule } from '../manager/backend-schema.js';
import { importBackend } from '../manager/create-store.js';
import { type CliCommand, stringOption } from './cli-command.js';
import { CliFailure } from './cli-errors.js';
import { loadConfig } from './open-sessions.js';

/**
 * `tina4-session ddl`: the database store's CREATE statements, from `@tina4/session-database` (the
 * statements its store runs on first use), without connecting. Other stores keep no tables: that is
 * said on stderr, with exit code 0 and nothing on stdout, so that `tina4-session ddl > schema.sql`
 * in a deployment script yields an empty file rather than a failure for them.
 */
export const ddlCommand: CliCommand = {
  name: 'ddl',
  summary: 'print the SQL that creates the session tables (TINA4_SESSION_BACKEND=database)',
  usage: 'tina4-session ddl [options]',
  description: [
    'Prints the CREATE TABLE and CREATE INDEX statements of the database session store, in the dialect of',
    'the database that DATABASE_URL (or TINA4_DATABASE_URL) names, for TINA4_SESSION_TABLE (default',
    'tina4_session). Nothing is connected to: run them in a migration, or have a database administrator',
    'run them where the app may not create tables. The store creates the same tables itself on first use.',
    '',
    'With another TINA4_SESSION_BACKEND there are no tables: a message says so on stderr, stdout stays',
    'empty, and the exit code is 0.',
  ].join('\n'),
  options: {},
  optionHelp: [],

  async run(values, io) {
    const config = loadConfig(stringOption(values, 'dotenv'), io);
    if (config.backend !== 'database') {
      io.stderr.write(`${noTablesMessage(config)}\n`);
      return;
    }
    const backend = (await importBackend('database', config)) as Partial<SessionSchemaModule>;
    if (typeof backend.sessionSchemaFromConfig !== 'function') {
      throw new CliFailure(
        'the installed @tina4/session-database does not export sessionSchemaFromConfig: it is older than this ' +
          '@tina4/session-core. Install the same version of both (npm ls @tina4/session-core @tina4/session-database).',
      );
    }
    io.stdout.write(formatSchema(backend.sessionSchemaFromConfig(config)));
  },
};

/** The statements as an SQL script, headed by a comment that every engine accepts. */
function formatSchema({ dialect, location, statements }: SessionSchema): string {
  const header = `-- Tina4 Sessions: tables of the database session store (${dialect}; ${location})\n\n`;
  return header + statements.map((statement) => `${statement};\n`).join('\n');
}

function noTablesMessage(config: SessionConfig): string {
  const message = `TINA4_SESSION_BACKEND=${config.backend}: the ${config.backend} store keeps no SQL tables, so there is no DDL to print.`;
  const databaseUrl = config.env.DATABASE_URL ?? config.env.TINA4_DATABASE_URL;
  return databaseUrl
    ? `${message} (DATABASE_URL is set: to keep sessions in that database, set TINA4_SESSION_BACKEND=database.)`
    : message;
}
