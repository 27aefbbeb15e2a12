import { describe, expect, it } from '@jest/globals';
import { resolveSessionConfig, SessionConfigError } from '@tina4/session-core';
import { Cluster, Redis } from 'ioredis';
import { type RedisDriver, type RedisSettings, redisSettingsFromConfig } from '../src/index.js';

// Type-level check: ioredis's constructors accept the options this package builds.
const ioredisDriver: RedisDriver = { Redis, Cluster };
void ioredisDriver;

const settingsFor = (env: Record<string, string>, redis: RedisSettings = {}) =>
  redisSettingsFromConfig(
    resolveSessionConfig({ envFile: false, env: { TINA4_SESSION_BACKEND: 'redis', ...env }, redis }),
  );

const resilience = {
  connectTimeout: 2000,
  commandTimeout: 2000,
  maxRetriesPerRequest: 1,
  enableOfflineQueue: true,
  disconnectTimeout: 200,
};

describe('redis settings from the session configuration', () => {
  it('defaults to 127.0.0.1:6379 and the tina4:sess: prefix', () => {
    const settings = settingsFor({});
    expect(settings.prefix).toBe('tina4:sess:');
    expect(settings.connection).toEqual({
      mode: 'standalone',
      options: { ...resilience, host: '127.0.0.1', port: 6379, retryStrategy: expect.any(Function) },
    });
  });

  it('reads host, port, password, username, database and prefix', () => {
    const settings = settingsFor({
      TINA4_SESSION_HOST: 'cache.internal',
      TINA4_SESSION_PORT: '6380',
      TINA4_SESSION_PASSWORD: 's3cret',
      TINA4_SESSION_USERNAME: 'app',
      TINA4_SESSION_DB: '3',
      TINA4_SESSION_PREFIX: 'shop:sessions:',
    });
    expect(settings.prefix).toBe('shop:sessions:');
    expect(settings.connection.options).toMatchObject({
      host: 'cache.internal',
      port: 6380,
      password: 's3cret',
      username: 'app',
      db: 3,
    });
  });

  it('takes code options over the environment', () => {
    const settings = settingsFor(
      { TINA4_SESSION_HOST: 'ignored', TINA4_SESSION_PREFIX: 'ignored:' },
      { host: '10.1.2.3', port: 7000, password: 'pw', username: 'app', prefix: 'code:', db: 4 },
    );
    expect(settings.connection.options).toMatchObject({
      host: '10.1.2.3',
      port: 7000,
      password: 'pw',
      username: 'app',
      db: 4,
    });
    expect(settings.prefix).toBe('code:');
    expect(() => settingsFor({}, { port: 70_000 })).toThrow(/redis\.port 70000 is not valid/);
  });

  it("honours Tina4's variable names as aliases, and refuses two names that disagree", () => {
    const settings = settingsFor({
      TINA4_SESSION_REDIS_HOST: 'cache.tina4',
      TINA4_SESSION_REDIS_PORT: '6390',
      TINA4_SESSION_REDIS_PASSWORD: 'pw',
      TINA4_SESSION_REDIS_PREFIX: 'tina4:session:',
      TINA4_SESSION_REDIS_DB: '2',
    });
    expect(settings.prefix).toBe('tina4:session:');
    expect(settings.connection.options).toMatchObject({
      host: 'cache.tina4',
      port: 6390,
      password: 'pw',
      db: 2,
    });
    // The same value under both names is fine.
    expect(() => settingsFor({ TINA4_SESSION_HOST: 'a', TINA4_SESSION_REDIS_HOST: 'a' })).not.toThrow();
    expect(() => settingsFor({ TINA4_SESSION_HOST: 'a', TINA4_SESSION_REDIS_HOST: 'b' })).toThrow(
      /TINA4_SESSION_HOST="a" and TINA4_SESSION_REDIS_HOST="b" are both set/,
    );
    // A password is never echoed.
    expect(() =>
      settingsFor({ TINA4_SESSION_PASSWORD: 'one-secret', TINA4_SESSION_REDIS_PASSWORD: 'two' }),
    ).toThrow(/^(?!.*one-secret).*TINA4_SESSION_PASSWORD and TINA4_SESSION_REDIS_PASSWORD are both set/);
    // Valkey reads its own Tina4 names.
    const valkey = redisSettingsFromConfig(
      resolveSessionConfig({ envFile: false, env: { TINA4_SESSION_VALKEY_HOST: 'valkey.tina4' } }),
      'valkey',
    );
    expect(valkey.connection.options).toMatchObject({ host: 'valkey.tina4' });
  });

  it('reads a redis:// URL with credentials and database', () => {
    const settings = settingsFor({ TINA4_SESSION_URL: 'redis://app:p%40ss%3Aword@cache.internal:6390/2' });
    expect(settings.connection).toEqual({
      mode: 'standalone',
      options: {
        ...resilience,
        host: 'cache.internal',
        port: 6390,
        username: 'app',
        password: 'p@ss:word',
        db: 2,
        retryStrategy: expect.any(Function),
      },
    });
  });

  it('turns TLS on for rediss:// URLs, and for TINA4_SESSION_TLS=true', () => {
    expect(settingsFor({ TINA4_SESSION_URL: 'rediss://cache.example.com' }).connection.options).toMatchObject(
      {
        host: 'cache.example.com',
        port: 6379,
        tls: { servername: 'cache.example.com' },
      },
    );
    expect(
      settingsFor({ TINA4_SESSION_HOST: 'h', TINA4_SESSION_TLS: 'true' }).connection.options,
    ).toMatchObject({
      tls: { servername: 'h' },
    });
    expect(settingsFor({ TINA4_SESSION_URL: 'redis://h' }).connection.options).not.toHaveProperty('tls');
  });

  it('lets TINA4_SESSION_PASSWORD, _USERNAME and _DB override the parts of the URL', () => {
    const settings = settingsFor({
      TINA4_SESSION_URL: 'redis://u:p@h/1',
      TINA4_SESSION_PASSWORD: 'other',
      TINA4_SESSION_USERNAME: 'someone',
      TINA4_SESSION_DB: '4',
    });
    expect(settings.connection.options).toMatchObject({ username: 'someone', password: 'other', db: 4 });
  });

  it('reads an IPv6 URL', () => {
    expect(settingsFor({ TINA4_SESSION_URL: 'redis://[::1]:6400' }).connection.options).toMatchObject({
      host: '::1',
      port: 6400,
    });
  });

  it('builds Sentinel options from TINA4_SESSION_SENTINELS and TINA4_SESSION_SENTINEL_NAME', () => {
    const settings = settingsFor({
      TINA4_SESSION_SENTINELS: 'sentinel-a:26379, sentinel-b:26380,sentinel-c',
      TINA4_SESSION_SENTINEL_NAME: 'mymaster',
      TINA4_SESSION_PASSWORD: 'master-password',
      TINA4_SESSION_DB: '1',
    });
    expect(settings.connection).toEqual({
      mode: 'sentinel',
      options: {
        ...resilience,
        sentinels: [
          { host: 'sentinel-a', port: 26379 },
          { host: 'sentinel-b', port: 26380 },
          { host: 'sentinel-c', port: 26379 },
        ],
        name: 'mymaster',
        password: 'master-password',
        db: 1,
        retryStrategy: expect.any(Function),
      },
    });
  });

  it('builds Cluster options from TINA4_SESSION_CLUSTER', () => {
    const settings = settingsFor({
      TINA4_SESSION_CLUSTER: '10.0.0.1:7000,10.0.0.2:7001 [fd00::3]:7002',
      TINA4_SESSION_PASSWORD: 'pw',
      TINA4_SESSION_TLS: 'yes',
    });
    expect(settings.connection).toEqual({
      mode: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
        { host: 'fd00::3', port: 7002 },
      ],
      options: {
        redisOptions: { ...resilience, password: 'pw', tls: {} },
        enableOfflineQueue: true,
        clusterRetryStrategy: expect.any(Function),
      },
    });
  });

  it('reconnects for ever, at most half a second apart', () => {
    const { connection } = settingsFor({});
    if (connection.mode === 'cluster') throw new Error('expected a standalone connection');
    expect([1, 2, 5, 10, 1000].map((attempt) => connection.options.retryStrategy(attempt))).toEqual([
      50, 100, 250, 500, 500,
    ]);
  });

  describe('rejects with a SessionConfigError naming the variable', () => {
    const cases: [string, Record<string, string>, RegExp][] = [
      ['a non-numeric database', { TINA4_SESSION_DB: 'two' }, /TINA4_SESSION_DB="two"/],
      ['a negative database', { TINA4_SESSION_DB: '-1' }, /TINA4_SESSION_DB/],
      ['an unparseable URL', { TINA4_SESSION_URL: 'not a url' }, /TINA4_SESSION_URL is not a valid URL/],
      [
        'a URL of another scheme',
        { TINA4_SESSION_URL: 'http://h' },
        /TINA4_SESSION_URL has the scheme "http:"/,
      ],
      [
        'a URL whose path is not a database',
        { TINA4_SESSION_URL: 'redis://h/x' },
        /TINA4_SESSION_URL has the path/,
      ],
      ['a bad TLS flag', { TINA4_SESSION_TLS: 'maybe' }, /TINA4_SESSION_TLS="maybe"/],
      [
        'a sentinel entry without a host',
        { TINA4_SESSION_SENTINELS: ':26379', TINA4_SESSION_SENTINEL_NAME: 'm' },
        /TINA4_SESSION_SENTINELS has ":26379"/,
      ],
      [
        'a sentinel port out of range',
        { TINA4_SESSION_SENTINELS: 'h:70000', TINA4_SESSION_SENTINEL_NAME: 'm' },
        /TINA4_SESSION_SENTINELS has "h:70000"/,
      ],
      [
        'Sentinels without a master name',
        { TINA4_SESSION_SENTINELS: 'h:26379' },
        /TINA4_SESSION_SENTINEL_NAME/,
      ],
      [
        'a master name without Sentinels',
        { TINA4_SESSION_SENTINEL_NAME: 'm' },
        /without TINA4_SESSION_SENTINELS/,
      ],
      [
        'a cluster node with a bad port',
        { TINA4_SESSION_CLUSTER: 'h:port' },
        /TINA4_SESSION_CLUSTER has "h:port"/,
      ],
      [
        'a cluster with a database number',
        { TINA4_SESSION_CLUSTER: 'h:7000', TINA4_SESSION_DB: '2' },
        /database 0 only/,
      ],
      [
        'a URL and a cluster',
        { TINA4_SESSION_URL: 'redis://h', TINA4_SESSION_CLUSTER: 'h:7000' },
        /TINA4_SESSION_URL and TINA4_SESSION_CLUSTER/,
      ],
      [
        'Sentinels and a cluster',
        { TINA4_SESSION_SENTINELS: 'h', TINA4_SESSION_SENTINEL_NAME: 'm', TINA4_SESSION_CLUSTER: 'h' },
        /TINA4_SESSION_SENTINELS and TINA4_SESSION_CLUSTER/,
      ],
      [
        'a URL and a host',
        { TINA4_SESSION_URL: 'redis://h', TINA4_SESSION_HOST: 'other' },
        /TINA4_SESSION_HOST/,
      ],
    ];
    it.each(cases)('%s', (_label, env, message) => {
      const attempt = () => settingsFor(env);
      expect(attempt).toThrow(SessionConfigError);
      expect(attempt).toThrow(message);
    });

    it('without repeating the URL, which may hold a password', () => {
      expect(() => settingsFor({ TINA4_SESSION_URL: 'redis://user:hunter2@ bad host/' })).not.toThrow(
        /hunter2/,
      );
      expect(() => settingsFor({ TINA4_SESSION_URL: 'redis://user:hunter2@ bad host/' })).toThrow(
        SessionConfigError,
      );
      expect(() => settingsFor({ TINA4_SESSION_URL: 'http://user:hunter2@h/' })).not.toThrow(/hunter2/);
    });
  });
});

describe('near cache settings', () => {
  it('is off by default, and on with TINA4_SESSION_NEAR_CACHE or in code', () => {
    expect(settingsFor({}).nearCache).toBeUndefined();
    expect(settingsFor({ TINA4_SESSION_NEAR_CACHE: 'false' }).nearCache).toBeUndefined();
    expect(settingsFor({ TINA4_SESSION_NEAR_CACHE: 'true' }).nearCache).toEqual({});
    expect(settingsFor({}, { nearCache: true }).nearCache).toEqual({});
    // Code wins over the variable, both ways.
    expect(settingsFor({ TINA4_SESSION_NEAR_CACHE: 'true' }, { nearCache: false }).nearCache).toBeUndefined();
    expect(
      settingsFor({ TINA4_SESSION_NEAR_CACHE: 'false' }, { nearCache: { maxBytes: 1000 } }).nearCache,
    ).toEqual({
      maxBytes: 1000,
    });
  });

  it('reads the memory bound from TINA4_SESSION_NEAR_CACHE_MAX_BYTES, and checks it', () => {
    const env = { TINA4_SESSION_NEAR_CACHE: 'on', TINA4_SESSION_NEAR_CACHE_MAX_BYTES: '1048576' };
    expect(settingsFor(env).nearCache).toEqual({ maxBytes: 1048576 });
    expect(() => settingsFor({ ...env, TINA4_SESSION_NEAR_CACHE_MAX_BYTES: '1MB' })).toThrow(
      /TINA4_SESSION_NEAR_CACHE_MAX_BYTES="1MB" is not valid/,
    );
    expect(() => settingsFor({}, { nearCache: { maxBytes: 0 } })).toThrow(
      /nearCache.maxBytes 0 is not valid/,
    );
    expect(() => settingsFor({ TINA4_SESSION_NEAR_CACHE: 'maybe' })).toThrow(SessionConfigError);
  });

  it('is refused with a cluster or Sentinel, saying why', () => {
    const cluster = () => settingsFor({ TINA4_SESSION_NEAR_CACHE: 'true', TINA4_SESSION_CLUSTER: 'h:7000' });
    expect(cluster).toThrow(SessionConfigError);
    expect(cluster).toThrow(
      /TINA4_SESSION_NEAR_CACHE cannot be used with TINA4_SESSION_CLUSTER: each master/,
    );
    const sentinel = () =>
      settingsFor({ TINA4_SESSION_SENTINELS: 'h', TINA4_SESSION_SENTINEL_NAME: 'm' }, { nearCache: true });
    expect(sentinel).toThrow(
      /TINA4_SESSION_NEAR_CACHE cannot be used with TINA4_SESSION_SENTINELS: during a failover/,
    );
    // Off, both are fine.
    expect(() =>
      settingsFor({ TINA4_SESSION_NEAR_CACHE: 'false', TINA4_SESSION_CLUSTER: 'h:7000' }),
    ).not.toThrow();
  });
});
