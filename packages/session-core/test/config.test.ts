import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { resolveSessionConfig, SessionConfigError } from '../src/index.js';

const fromEnv = (env: Record<string, string>) => resolveSessionConfig({ envFile: false, env });

describe('resolveSessionConfig', () => {
  it('has the documented defaults', () => {
    const config = fromEnv({});
    expect(config.backend).toBe('file');
    expect(config.ttlSeconds).toBe(3600);
    expect(config.cookie).toEqual({
      name: 'tina4_session',
      path: '/',
      secure: false,
      httpOnly: true,
      sameSite: 'Lax',
      domain: undefined,
    });
    expect(config.lock).toBe(false);
    expect(config.lockWaitMs).toBe(5000);
    // Each store's own default applies: 10 000 for the memory store, none for the file store.
    expect(config.maxSessions).toBeUndefined();
    expect(fromEnv({ TINA4_SESSION_MAX_SESSIONS: '500' }).maxSessions).toBe(500);
  });

  it('reads every TINA4_SESSION_* variable, SameSite in any case', () => {
    const config = fromEnv({
      TINA4_SESSION_BACKEND: 'Redis',
      TINA4_SESSION_TTL: '60',
      TINA4_SESSION_NAME: 'shop_sid',
      TINA4_SESSION_SECURE: 'true',
      TINA4_SESSION_HTTPONLY: 'false',
      TINA4_SESSION_SAMESITE: 'none',
      TINA4_SESSION_DOMAIN: '.example.com',
      TINA4_SESSION_PATH: '/var/sessions',
      TINA4_SESSION_LOCK: '1',
      TINA4_SESSION_LOCK_WAIT: '250',
      TINA4_SESSION_STORE_TIMEOUT: '750',
      TINA4_SESSION_MAX_BYTES: '2048',
    });
    expect(config).toMatchObject({
      backend: 'redis',
      ttlSeconds: 60,
      cookie: { name: 'shop_sid', secure: true, httpOnly: false, sameSite: 'None', domain: '.example.com' },
      filePath: '/var/sessions',
      lock: true,
      lockWaitMs: 250,
      storeTimeoutMs: 750,
      maxBytes: 2048,
    });
    // Backend packages read their own settings from the same variables.
    expect(fromEnv({ TINA4_SESSION_HOST: 'cache.internal' }).env.TINA4_SESSION_HOST).toBe('cache.internal');
  });

  it('rejects SameSite=None without Secure, saying to set TINA4_SESSION_SECURE=true', () => {
    expect(() => fromEnv({ TINA4_SESSION_SAMESITE: 'None' })).toThrow(SessionConfigError);
    expect(() => fromEnv({ TINA4_SESSION_SAMESITE: 'None' })).toThrow(/Set TINA4_SESSION_SECURE=true/);
  });

  it.each([
    [
      'TINA4_SESSION_BACKEND',
      'postgres',
      /TINA4_SESSION_BACKEND="postgres".*file, memory, redis, valkey, mongodb, database/,
    ],
    ['TINA4_SESSION_TTL', '1h', /TINA4_SESSION_TTL="1h".*whole number of seconds/],
    ['TINA4_SESSION_TTL', '0', /TINA4_SESSION_TTL="0"/],
    ['TINA4_SESSION_SECURE', 'maybe', /TINA4_SESSION_SECURE="maybe".*true or false/],
    ['TINA4_SESSION_HTTPONLY', 'yes please', /TINA4_SESSION_HTTPONLY/],
    ['TINA4_SESSION_SAMESITE', 'sometimes', /TINA4_SESSION_SAMESITE="sometimes".*Strict, Lax, None/],
    ['TINA4_SESSION_TTL', String(401 * 24 * 3600), /TINA4_SESSION_TTL=.*1 to 34560000/],
    ['TINA4_SESSION_LOCK_WAIT', String(2 ** 31), /TINA4_SESSION_LOCK_WAIT=.*1 to 600000/],
    ['TINA4_SESSION_STORE_TIMEOUT', '0', /TINA4_SESSION_STORE_TIMEOUT="0".*1 to 600000/],
    ['TINA4_SESSION_MAX_BYTES', '1e9', /TINA4_SESSION_MAX_BYTES="1e9"/],
    ['TINA4_SESSION_MAX_SESSIONS', '0', /TINA4_SESSION_MAX_SESSIONS="0".*sessions from 1 to 1000000000/],
    ['TINA4_SESSION_SECRET', ',', /TINA4_SESSION_SECRET is set but holds an empty secret/],
    ['TINA4_SESSION_SECRET', '   ', /TINA4_SESSION_SECRET is set but holds an empty secret/],
    ['TINA4_SESSION_SECRET', 'first-secret-0123456789,,', /empty entry between commas/],
    ['TINA4_SESSION_NAME', 'my session', /TINA4_SESSION_NAME="my session" is not a valid cookie name/],
    ['TINA4_SESSION_LOCK_WAIT', '-5', /TINA4_SESSION_LOCK_WAIT/],
  ])('rejects %s=%s naming the variable and the allowed values', (name, value, message) => {
    expect(() => fromEnv({ [name]: value })).toThrow(message);
  });

  it('accepts TINA4_SESSION_SECURE=auto, a proxy trust switch and encryption secrets', () => {
    const config = fromEnv({
      TINA4_SESSION_SECURE: 'AUTO',
      TINA4_SESSION_TRUST_PROXY: 'true',
      TINA4_SESSION_SECRET: 'first-secret-0123456789, second-secret-0123456789',
    });
    expect(config.cookie.secure).toBe('auto');
    expect(config.trustProxy).toBe(true);
    expect(config.secrets).toEqual(['first-secret-0123456789', 'second-secret-0123456789']);
    expect(() => fromEnv({ TINA4_SESSION_SECRET: 'short' })).toThrow(/at least 16/);
    expect(() => fromEnv({ TINA4_SESSION_SECURE: 'sometimes' })).toThrow(
      /TINA4_SESSION_SECURE="sometimes".*or auto/,
    );
  });

  it('checks numbers given in code against the same bounds as their variables', () => {
    expect(() => resolveSessionConfig({ envFile: false, env: {}, ttl: 10 ** 9 })).toThrow(
      /TINA4_SESSION_TTL \(in code\)/,
    );
    expect(() => resolveSessionConfig({ envFile: false, env: {}, lockWait: 1.5 })).toThrow(/whole number/);
    expect(fromEnv({ TINA4_SESSION_SECRET: '' }).secrets).toEqual([]);
  });

  it('reads only the given variables when `env` is passed, not the process environment', () => {
    process.env.TINA4_SESSION_TTL = '77';
    try {
      expect(fromEnv({}).ttlSeconds).toBe(3600);
      expect(resolveSessionConfig({ envFile: false }).ttlSeconds).toBe(77);
    } finally {
      delete process.env.TINA4_SESSION_TTL;
    }
  });

  it('reads .env, lets the environment win over it, and code options win over both', () => {
    const directory = mkdtempSync(join(tmpdir(), 'tina4-env-'));
    const envFile = join(directory, '.env');
    writeFileSync(
      envFile,
      'TINA4_SESSION_TTL=120\nTINA4_SESSION_NAME="from_file"\n# comment\nTINA4_SESSION_SECURE=true\n',
    );
    const config = resolveSessionConfig({ envFile, env: { TINA4_SESSION_NAME: 'from_env' }, secure: false });
    expect(config.ttlSeconds).toBe(120);
    expect(config.cookie.name).toBe('from_env');
    expect(config.cookie.secure).toBe(false);
  });
});
