import { describe, expect, it } from '@jest/globals';
import { SessionConfigError } from '@tina4/session-core';
import { STORE_OPTION_SOURCES, withCredentials } from '../src/database-credentials.js';
import { parseDatabaseUrl, redactUrl } from '../src/database-url.js';

describe('parseDatabaseUrl', () => {
  describe('SQLite', () => {
    it.each([
      ['sqlite:///relative.db', 'relative.db'],
      ['sqlite:///data/app.db', 'data/app.db'],
      ['sqlite:////absolute/path.db', '/absolute/path.db'],
      ['sqlite:////var/db/my%20sessions.db', '/var/db/my sessions.db'],
      ['sqlite::memory:', ':memory:'],
      ['sqlite:///:memory:', ':memory:'],
      ['SQLITE:///upper.db', 'upper.db'],
    ])('%s -> %s', (url, filename) => {
      expect(parseDatabaseUrl(url)).toEqual({ engine: 'sqlite', filename });
    });

    it.each(['sqlite://relative.db', 'sqlite:relative.db', 'sqlite:///'])(
      '%s is rejected with the formats',
      (url) => {
        expect(() => parseDatabaseUrl(url)).toThrow(SessionConfigError);
        expect(() => parseDatabaseUrl(url)).toThrow(/sqlite:\/\/\/relative\/path\.db/);
      },
    );
  });

  describe('servers', () => {
    it('postgres:// with URL-encoded credentials, port and parameters', () => {
      expect(
        parseDatabaseUrl('postgres://app%20user:p%40ss%3Aw%2Frd@db.example.com:5433/shop?sslmode=require'),
      ).toEqual({
        engine: 'postgres',
        host: 'db.example.com',
        port: 5433,
        user: 'app user',
        password: 'p@ss:w/rd',
        database: 'shop',
        params: { sslmode: 'require' },
      });
    });

    it('postgresql:// is PostgreSQL too; no port and no credentials are undefined', () => {
      expect(parseDatabaseUrl('postgresql://localhost/app')).toEqual({
        engine: 'postgres',
        host: 'localhost',
        port: undefined,
        user: undefined,
        password: undefined,
        database: 'app',
        params: {},
      });
    });

    it('mysql:// and mariadb:// select MySQL/MariaDB', () => {
      expect(parseDatabaseUrl('mysql://root@127.0.0.1:3306/test')).toMatchObject({
        engine: 'mysql',
        host: '127.0.0.1',
        port: 3306,
        user: 'root',
        password: undefined,
        database: 'test',
      });
      expect(parseDatabaseUrl('mariadb://u:p@db/app')).toMatchObject({
        engine: 'mysql',
        user: 'u',
        password: 'p',
      });
    });

    it('mssql:// and sqlserver:// select SQL Server', () => {
      expect(
        parseDatabaseUrl('mssql://sa:Str0ng!Pass@sql.local:1433/app?trustServerCertificate=true'),
      ).toEqual({
        engine: 'mssql',
        host: 'sql.local',
        port: 1433,
        user: 'sa',
        password: 'Str0ng!Pass',
        database: 'app',
        params: { trustServerCertificate: 'true' },
      });
      expect(parseDatabaseUrl('sqlserver://sa:x@sql.local/app?instanceName=SQLEXPRESS')).toMatchObject({
        engine: 'mssql',
        params: { instanceName: 'SQLEXPRESS' },
      });
    });

    it('firebird:// with two slashes before an absolute database path', () => {
      expect(
        parseDatabaseUrl('firebird://SYSDBA:masterkey@127.0.0.1:3050//var/lib/firebird/data/app.fdb'),
      ).toEqual({
        engine: 'firebird',
        host: '127.0.0.1',
        port: 3050,
        user: 'SYSDBA',
        password: 'masterkey',
        database: '/var/lib/firebird/data/app.fdb',
        params: {},
      });
    });

    it('firebird:// with one slash before a server alias', () => {
      expect(parseDatabaseUrl('firebird://sysdba:pw@fb.local/employee')).toMatchObject({
        engine: 'firebird',
        port: undefined,
        database: 'employee',
      });
    });

    it('an IPv6 host loses its brackets', () => {
      expect(parseDatabaseUrl('postgres://u:p@[::1]:5432/db')).toMatchObject({ host: '::1', port: 5432 });
    });
  });

  describe('errors never show the password', () => {
    it('an unsupported scheme is named, with the supported ones', () => {
      const attempt = () => parseDatabaseUrl('oracle://scott:tiger-secret@db/orcl');
      expect(attempt).toThrow(SessionConfigError);
      expect(attempt).toThrow(/"oracle"/);
      expect(attempt).toThrow(
        /sqlite:\/\/, postgres:\/\/, postgresql:\/\/, mysql:\/\/, mariadb:\/\/, mssql:\/\/, sqlserver:\/\/, firebird:\/\//,
      );
      expect(attempt).not.toThrow(/tiger-secret/);
    });

    it('a URL without a scheme is rejected', () => {
      expect(() => parseDatabaseUrl('sessions.db')).toThrow(/unsupported scheme \(missing\)/);
    });

    it.each([
      ['no host', 'postgres://user:hunter2-secret@/app'],
      ['no database', 'postgres://user:hunter2-secret@db.example.com:5432'],
      ['a malformed escape', 'mysql://user:hunter2-secret%zz@db/app'],
      ['a bad port', 'mssql://user:hunter2-secret@db:99999/app'],
    ])('%s', (_, url) => {
      let message = '';
      try {
        parseDatabaseUrl(url);
      } catch (error) {
        expect(error).toBeInstanceOf(SessionConfigError);
        message = (error as Error).message;
      }
      expect(message).toMatch(/cannot be used/);
      expect(message).toContain('***');
      expect(message).not.toContain('hunter2');
    });
  });
});

describe('redactUrl', () => {
  it.each([
    ['postgres://user:secret@db/app', 'postgres://user:***@db/app'],
    ['postgres://user:p@ss/w@rd@db:5432/app', 'postgres://user:***@db:5432/app'],
    ['firebird://SYSDBA:masterkey@h:3050//var/x.fdb', 'firebird://SYSDBA:***@h:3050//var/x.fdb'],
    [
      'mssql://db/app?user=sa&password=secret&encrypt=true',
      'mssql://db/app?user=sa&password=***&encrypt=true',
    ],
    ['mysql://root@db/app', 'mysql://root@db/app'],
    ['sqlite::memory:', 'sqlite::memory:'],
    ['sqlite:////var/db/sessions.db', 'sqlite:////var/db/sessions.db'],
  ])('%s -> %s', (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
  });
});

describe('withCredentials', () => {
  const names = {
    url: 'DATABASE_URL',
    username: 'TINA4_DATABASE_USERNAME',
    password: 'TINA4_DATABASE_PASSWORD',
  };

  it('fills in a Firebird URL without credentials, keeping its database path', () => {
    const url = parseDatabaseUrl('firebird://127.0.0.1:3050//var/lib/firebird/data/app.fdb');
    expect(withCredentials(url, { username: 'SYSDBA', password: 'masterkey' }, names)).toMatchObject({
      engine: 'firebird',
      user: 'SYSDBA',
      password: 'masterkey',
      database: '/var/lib/firebird/data/app.fdb',
    });
  });

  it('leaves the URL alone without credentials apart from it, and SQLite always', () => {
    const url = parseDatabaseUrl('mysql://root@db/app');
    expect(withCredentials(url, {}, names)).toEqual(url);
    const sqlite = parseDatabaseUrl('sqlite:///app.db');
    expect(withCredentials(sqlite, { username: 'x', password: 'y' }, names)).toEqual(sqlite);
  });

  it('compares the decoded URL parts: p%40ss in the URL agrees with p@ss', () => {
    const url = parseDatabaseUrl('postgres://app:p%40ss@db/app');
    expect(withCredentials(url, { username: 'app', password: 'p@ss' }, names)).toMatchObject({
      password: 'p@ss',
    });
  });

  it('names both sources of a disagreement, with the option names of createDatabaseStore by default', () => {
    const url = parseDatabaseUrl('postgres://app:one-secret@db/app');
    expect(() => withCredentials(url, { password: 'other-secret' }, STORE_OPTION_SOURCES)).toThrow(
      'password and the password in url differ',
    );
    expect(() => withCredentials(url, { password: 'other-secret' }, names)).toThrow(
      /^TINA4_DATABASE_PASSWORD and the password in DATABASE_URL differ/,
    );
  });
});
