import { afterAll, describe, expect, it } from '@jest/globals';
import { sessionSchemaStatements } from '@tina4/session-database';
import { type CliApp, createCliApp } from './support/session-cli.js';

/** `tina4-session ddl` for `url`: computed from the URL's scheme alone, so no server is needed (or reached). */
async function ddlFor(app: CliApp, url: string, table?: string): Promise<string> {
  const { code, stdout, stderr } = await app.run(['ddl'], {
    TINA4_SESSION_BACKEND: 'database',
    DATABASE_URL: url,
    ...(table !== undefined && { TINA4_SESSION_TABLE: table }),
  });
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return stdout;
}

describe('tina4-session ddl', () => {
  const app: CliApp = createCliApp();
  afterAll(() => app.remove());

  it('prints the PostgreSQL statements of the store without connecting (the port is closed), the password masked', async () => {
    const printed = await ddlFor(app, 'postgres://app:s3cret@127.0.0.1:1/app');
    // Exactly the store's own statements (its table creation runs the same ones), as a script.
    expect(printed).toBe(
      '-- Tina4 Sessions: tables of the database session store (postgres; postgres://app:***@127.0.0.1:1/app, ' +
        'table tina4_session)\n\n' +
        sessionSchemaStatements('postgres')
          .map((statement) => `${statement};\n`)
          .join('\n'),
    );
    expect(printed).toContain(
      [
        'create table if not exists "tina4_session" (',
        '  "session_key" varchar(64) not null primary key,',
        '  "data" text not null,',
        '  "expires_at" bigint not null',
      ].join('\n'),
    );
    expect(printed).toContain(
      'create index if not exists "tina4_session_exp" on "tina4_session" ("expires_at");',
    );
    expect(printed).toContain('create table if not exists "tina4_session_lock" (');
    expect(printed).not.toContain('s3cret');
  });

  it("writes each engine's dialect, for TINA4_SESSION_TABLE", async () => {
    const mysql = await ddlFor(app, 'mariadb://root@127.0.0.1:1/app', 'app_sessions');
    expect(mysql).toContain('create table if not exists `app_sessions` (');
    expect(mysql).toContain('index `app_sessions_exp` (`expires_at`)');
    expect(mysql).toContain(') engine=InnoDB default character set utf8mb4;');
    expect(mysql).toContain('create table if not exists `app_sessions_lock` (');

    const mssql = await ddlFor(app, 'mssql://sa:pw@127.0.0.1:1/app');
    expect(mssql).toContain(
      'create table "tina4_session" (\n  "session_key" nvarchar(64) not null primary key,',
    );
    expect(mssql).toContain('"data" nvarchar(max) not null');
    expect(mssql).toContain('create index "tina4_session_exp" on "tina4_session" ("expires_at");');

    const firebird = await ddlFor(app, 'firebird://SYSDBA:masterkey@127.0.0.1:1//var/db/app.fdb');
    expect(firebird).toContain('"data" blob sub_type text character set utf8 not null');
    expect(firebird).not.toContain('if not exists');

    const sqlite = await ddlFor(app, 'sqlite:///data/sessions.db');
    expect(sqlite).toContain('"session_key" text not null primary key');
    expect(sqlite).toContain('"expires_at" integer not null');
  });

  it('refuses a table name the store would refuse', async () => {
    const { code, stderr } = await app.run(['ddl'], {
      TINA4_SESSION_BACKEND: 'database',
      DATABASE_URL: 'sqlite:///sessions.db',
      TINA4_SESSION_TABLE: 'sessions; drop table users',
    });
    expect(code).toBe(1);
    expect(stderr).toContain('TINA4_SESSION_TABLE="sessions; drop table users" is not usable');
  });
});
