import { describe, expect, it } from '@jest/globals';
import { resolveSessionConfig, SessionConfigError } from '@tina4/session-core';
import { mongoConnectionFromConfig } from '../src/mongo-connection.js';

/** The connection the core's resolved configuration leads to, from variables only (no `.env`). */
const connectionFor = (env: Record<string, string>) =>
  mongoConnectionFromConfig(resolveSessionConfig({ backend: 'mongodb', envFile: false, env }));

describe('MongoDB connection settings from TINA4_SESSION_* variables', () => {
  it('defaults to 127.0.0.1:27017, database and collection tina4_sessions, no credentials', () => {
    expect(connectionFor({})).toEqual({
      uri: 'mongodb://127.0.0.1:27017/',
      clientOptions: {},
      database: 'tina4_sessions',
      collection: 'tina4_sessions',
    });
  });

  it('uses host, port, database and collection', () => {
    const connection = connectionFor({
      TINA4_SESSION_HOST: 'mongo.internal',
      TINA4_SESSION_PORT: '27018',
      TINA4_SESSION_DATABASE: 'shop',
      TINA4_SESSION_COLLECTION: 'web_sessions',
    });
    expect(connection).toMatchObject({
      uri: 'mongodb://mongo.internal:27018/',
      database: 'shop',
      collection: 'web_sessions',
    });
  });

  it('puts an IPv6 host in brackets', () => {
    expect(connectionFor({ TINA4_SESSION_HOST: '::1' }).uri).toBe('mongodb://[::1]:27017/');
  });

  it('passes user name and password as driver credentials, not inside the URI', () => {
    const connection = connectionFor({ TINA4_SESSION_USERNAME: 'app', TINA4_SESSION_PASSWORD: 'p@ss:/word' });
    expect(connection.uri).toBe('mongodb://127.0.0.1:27017/');
    expect(connection.clientOptions).toEqual({ auth: { username: 'app', password: 'p@ss:/word' } });
  });

  it('rejects a password without a user name, without showing the password', () => {
    const attempt = () => connectionFor({ TINA4_SESSION_PASSWORD: 'hunter2-secret' });
    expect(attempt).toThrow(SessionConfigError);
    expect(attempt).toThrow(/TINA4_SESSION_USERNAME/);
    expect(attempt).not.toThrow(/hunter2-secret/);
  });

  it('takes a full URI (replica set) as it is; host and port are then not used', () => {
    const uri = 'mongodb://app:secret@db1:27017,db2:27017,db3:27017/?replicaSet=rs0&authSource=admin';
    const connection = connectionFor({
      TINA4_SESSION_URL: uri,
      TINA4_SESSION_HOST: 'ignored',
      TINA4_SESSION_PORT: '1',
    });
    expect(connection).toEqual({
      uri,
      clientOptions: {},
      database: 'tina4_sessions',
      collection: 'tina4_sessions',
    });
  });

  it('takes a mongodb+srv URI, and its path as the database', () => {
    const uri = 'mongodb+srv://cluster0.example.net/app_sessions?retryWrites=true';
    expect(connectionFor({ TINA4_SESSION_URL: uri })).toMatchObject({ uri, database: 'app_sessions' });
  });

  it('TINA4_SESSION_DATABASE wins over the URI path', () => {
    const connection = connectionFor({
      TINA4_SESSION_URL: 'mongodb://h/fromuri',
      TINA4_SESSION_DATABASE: 'fromvar',
    });
    expect(connection.database).toBe('fromvar');
  });

  it('a password variable completes the user name written in the URI', () => {
    const connection = connectionFor({
      TINA4_SESSION_URL: 'mongodb://app@h:27017/',
      TINA4_SESSION_PASSWORD: 'kept-apart',
    });
    expect(connection.clientOptions).toEqual({ auth: { username: 'app', password: 'kept-apart' } });
  });

  it('a user name variable replaces the one in the URI and keeps its password', () => {
    const connection = connectionFor({
      TINA4_SESSION_URL: 'mongodb://old:pw%40x@h/',
      TINA4_SESSION_USERNAME: 'new',
    });
    expect(connection.clientOptions).toEqual({ auth: { username: 'new', password: 'pw@x' } });
  });

  it('rejects a URL of another scheme, naming the variable and only the scheme', () => {
    const attempt = () => connectionFor({ TINA4_SESSION_URL: 'redis://:topsecret@h:6379' });
    expect(attempt).toThrow(SessionConfigError);
    expect(attempt).toThrow(
      /TINA4_SESSION_URL must start with mongodb:\/\/ or mongodb\+srv:\/\/ \(it has "redis:\/\/"\)/,
    );
    expect(attempt).not.toThrow(/topsecret/);
  });

  it('rejects database and collection names MongoDB would refuse', () => {
    expect(() => connectionFor({ TINA4_SESSION_DATABASE: 'my.db' })).toThrow(
      /TINA4_SESSION_DATABASE="my.db"/,
    );
    expect(() => connectionFor({ TINA4_SESSION_COLLECTION: 'a$b' })).toThrow(
      /TINA4_SESSION_COLLECTION="a\$b"/,
    );
    expect(() => connectionFor({ TINA4_SESSION_COLLECTION: 'system.x' })).toThrow(SessionConfigError);
  });
});
