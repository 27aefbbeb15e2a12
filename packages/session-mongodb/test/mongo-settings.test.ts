import { describe, expect, it } from '@jest/globals';
import { resolveSessionConfig, SessionConfigError } from '@tina4/session-core';
import { type MongoSettings, mongoSettingsFromConfig } from '../src/index.js';

/** The settings the core's resolved configuration leads to, from variables and code options only (no `.env`). */
const settingsFor = (env: Record<string, string>, mongodb?: MongoSettings) =>
  mongoSettingsFromConfig(
    resolveSessionConfig({ backend: 'mongodb', envFile: false, env, ...(mongodb && { mongodb }) }),
  );

describe('MongoDB settings from the session configuration', () => {
  it('defaults to 127.0.0.1:27017, database and collection tina4_sessions, no credentials, indexes created', () => {
    expect(settingsFor({})).toEqual({
      uri: 'mongodb://127.0.0.1:27017/',
      clientOptions: {},
      database: 'tina4_sessions',
      collection: 'tina4_sessions',
      createIndexes: true,
    });
  });

  it('uses host, port, database and collection', () => {
    const settings = settingsFor({
      TINA4_SESSION_HOST: 'mongo.internal',
      TINA4_SESSION_PORT: '27018',
      TINA4_SESSION_DATABASE: 'shop',
      TINA4_SESSION_COLLECTION: 'web_sessions',
    });
    expect(settings).toMatchObject({
      uri: 'mongodb://mongo.internal:27018/',
      database: 'shop',
      collection: 'web_sessions',
    });
  });

  it("honours Tina4's variable names as aliases", () => {
    const settings = settingsFor({
      TINA4_SESSION_MONGO_HOST: 'mongo.tina4',
      TINA4_SESSION_MONGO_PORT: '27019',
      TINA4_SESSION_MONGO_USERNAME: 'app',
      TINA4_SESSION_MONGO_PASSWORD: 'pw',
      TINA4_SESSION_MONGO_DB: 'tina4_db',
      TINA4_SESSION_MONGO_COLLECTION: 'tina4_coll',
    });
    expect(settings).toEqual({
      uri: 'mongodb://mongo.tina4:27019/',
      clientOptions: { auth: { username: 'app', password: 'pw' } },
      database: 'tina4_db',
      collection: 'tina4_coll',
      createIndexes: true,
    });
    const uri = 'mongodb://db1:27017/fromuri';
    expect(settingsFor({ TINA4_SESSION_MONGO_URI: uri })).toMatchObject({ uri, database: 'fromuri' });
    // The legacy name of Tina4's URI variable.
    expect(settingsFor({ TINA4_SESSION_MONGO_URL: uri })).toMatchObject({ uri });
  });

  it('refuses two names of one setting set to different values, naming both (and never a password or URI)', () => {
    expect(() => settingsFor({ TINA4_SESSION_HOST: 'a', TINA4_SESSION_MONGO_HOST: 'a' })).not.toThrow();
    expect(() => settingsFor({ TINA4_SESSION_HOST: 'a', TINA4_SESSION_MONGO_HOST: 'b' })).toThrow(
      /TINA4_SESSION_HOST="a" and TINA4_SESSION_MONGO_HOST="b" are both set/,
    );
    expect(() => settingsFor({ TINA4_SESSION_DATABASE: 'x', TINA4_SESSION_MONGO_DB: 'y' })).toThrow(
      SessionConfigError,
    );
    const passwords = () =>
      settingsFor({
        TINA4_SESSION_USERNAME: 'app',
        TINA4_SESSION_PASSWORD: 'one-secret',
        TINA4_SESSION_MONGO_PASSWORD: 'two-secret',
      });
    expect(passwords).toThrow(/TINA4_SESSION_PASSWORD and TINA4_SESSION_MONGO_PASSWORD are both set/);
    expect(passwords).not.toThrow(/one-secret|two-secret/);
    const uris = () =>
      settingsFor({
        TINA4_SESSION_URL: 'mongodb://u:first-secret@h1/',
        TINA4_SESSION_MONGO_URI: 'mongodb://u:second-secret@h2/',
      });
    expect(uris).toThrow(/TINA4_SESSION_URL and TINA4_SESSION_MONGO_URI are both set/);
    expect(uris).not.toThrow(/secret/);
    expect(() =>
      settingsFor({ TINA4_SESSION_MONGO_URI: 'mongodb://h/', TINA4_SESSION_MONGO_URL: 'mongodb://other/' }),
    ).toThrow(/TINA4_SESSION_MONGO_URI and TINA4_SESSION_MONGO_URL are both set/);
  });

  it('takes code options over the environment', () => {
    const settings = settingsFor(
      {
        TINA4_SESSION_HOST: 'ignored',
        TINA4_SESSION_COLLECTION: 'ignored',
        TINA4_SESSION_MONGO_DB: 'ignored',
      },
      {
        host: '10.1.2.3',
        port: 27020,
        username: 'app',
        password: 'pw',
        database: 'code_db',
        collection: 'code_sessions',
        createIndexes: false,
      },
    );
    expect(settings).toEqual({
      uri: 'mongodb://10.1.2.3:27020/',
      clientOptions: { auth: { username: 'app', password: 'pw' } },
      database: 'code_db',
      collection: 'code_sessions',
      createIndexes: false,
    });
    expect(settingsFor({}, { uri: 'mongodb+srv://cluster0.example.net/app' })).toMatchObject({
      uri: 'mongodb+srv://cluster0.example.net/app',
      database: 'app',
    });
    expect(() => settingsFor({}, { port: 70_000 })).toThrow(/mongodb\.port 70000 is not valid/);
    expect(() => settingsFor({}, { database: 'my.db' })).toThrow(/mongodb\.database="my.db"/);
    expect(() => settingsFor({}, { uri: 'redis://h' })).toThrow(/mongodb\.uri must start with mongodb:\/\//);
  });

  it('puts an IPv6 host in brackets', () => {
    expect(settingsFor({ TINA4_SESSION_HOST: '::1' }).uri).toBe('mongodb://[::1]:27017/');
  });

  it('passes user name and password as driver credentials, not inside the URI', () => {
    const settings = settingsFor({ TINA4_SESSION_USERNAME: 'app', TINA4_SESSION_PASSWORD: 'p@ss:/word' });
    expect(settings.uri).toBe('mongodb://127.0.0.1:27017/');
    expect(settings.clientOptions).toEqual({ auth: { username: 'app', password: 'p@ss:/word' } });
  });

  it('rejects a password without a user name, without showing the password', () => {
    const attempt = () => settingsFor({ TINA4_SESSION_PASSWORD: 'hunter2-secret' });
    expect(attempt).toThrow(SessionConfigError);
    expect(attempt).toThrow(/TINA4_SESSION_USERNAME/);
    expect(attempt).not.toThrow(/hunter2-secret/);
  });

  it('takes a full URI (replica set) as it is; host and port are then not used', () => {
    const uri = 'mongodb://app:secret@db1:27017,db2:27017,db3:27017/?replicaSet=rs0&authSource=admin';
    const settings = settingsFor({
      TINA4_SESSION_URL: uri,
      TINA4_SESSION_HOST: 'ignored',
      TINA4_SESSION_PORT: '1',
    });
    expect(settings).toEqual({
      uri,
      clientOptions: {},
      database: 'tina4_sessions',
      collection: 'tina4_sessions',
      createIndexes: true,
    });
  });

  it('takes a mongodb+srv URI, and its path as the database', () => {
    const uri = 'mongodb+srv://cluster0.example.net/app_sessions?retryWrites=true';
    expect(settingsFor({ TINA4_SESSION_URL: uri })).toMatchObject({ uri, database: 'app_sessions' });
  });

  it('TINA4_SESSION_DATABASE wins over the URI path', () => {
    const settings = settingsFor({
      TINA4_SESSION_URL: 'mongodb://h/fromuri',
      TINA4_SESSION_DATABASE: 'fromvar',
    });
    expect(settings.database).toBe('fromvar');
  });

  it('a password variable completes the user name written in the URI', () => {
    const settings = settingsFor({
      TINA4_SESSION_URL: 'mongodb://app@h:27017/',
      TINA4_SESSION_PASSWORD: 'kept-apart',
    });
    expect(settings.clientOptions).toEqual({ auth: { username: 'app', password: 'kept-apart' } });
  });

  it('a user name variable replaces the one in the URI and keeps its password', () => {
    const settings = settingsFor({
      TINA4_SESSION_URL: 'mongodb://old:pw%40x@h/',
      TINA4_SESSION_USERNAME: 'new',
    });
    expect(settings.clientOptions).toEqual({ auth: { username: 'new', password: 'pw@x' } });
  });

  it('rejects a URL of another scheme, naming the variable and only the scheme', () => {
    const attempt = () => settingsFor({ TINA4_SESSION_URL: 'redis://:topsecret@h:6379' });
    expect(attempt).toThrow(SessionConfigError);
    expect(attempt).toThrow(
      /TINA4_SESSION_URL must start with mongodb:\/\/ or mongodb\+srv:\/\/ \(it has "redis:\/\/"\)/,
    );
    expect(attempt).not.toThrow(/topsecret/);
    expect(() => settingsFor({ TINA4_SESSION_MONGO_URI: 'http://h' })).toThrow(
      /^TINA4_SESSION_MONGO_URI must start/,
    );
  });

  it('rejects database and collection names MongoDB would refuse, naming the variable used', () => {
    expect(() => settingsFor({ TINA4_SESSION_DATABASE: 'my.db' })).toThrow(/TINA4_SESSION_DATABASE="my.db"/);
    expect(() => settingsFor({ TINA4_SESSION_MONGO_DB: 'my db' })).toThrow(/TINA4_SESSION_MONGO_DB="my db"/);
    expect(() => settingsFor({ TINA4_SESSION_COLLECTION: 'a$b' })).toThrow(/TINA4_SESSION_COLLECTION="a\$b"/);
    expect(() => settingsFor({ TINA4_SESSION_COLLECTION: 'system.x' })).toThrow(SessionConfigError);
    expect(() => settingsFor({ TINA4_SESSION_URL: 'mongodb://h/bad.name' })).toThrow(SessionConfigError);
  });

  it('rejects a port out of range, naming the variable', () => {
    expect(() => settingsFor({ TINA4_SESSION_MONGO_PORT: '99999' })).toThrow(
      /TINA4_SESSION_MONGO_PORT="99999"/,
    );
  });
});
