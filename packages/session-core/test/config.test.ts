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
  });

  it('reads every TINA4_SESSION_* variable, SameSite in any case', () => {
    const config = fromEnv({
      TINA4_SESSION_BACKEND: 'Redis',
      TINA4_SESSION_TTL: '60',
      TINA4_SESSION_NAME: 'shop_sid',
      TINA4_SESSION_SECURE: 'true',
      TINA4_SESSION_HTTPONLY: 'false',
      TINA4_SESSION_SAMESITE: 'none',
      TINA4_SESSION_HOST: 'cache.internal',
      TINA4_SESSION_PORT: '6380',
      TINA4_SESSION_PASSWORD: 's3cret',
      TINA4_SESSION_DATABASE: 'sessions',
      TINA4_SESSION_PATH: '/var/sessions',
      TINA4_SESSION_LOCK: '1',
      TINA4_SESSION_LOCK_WAIT: '250',
      DATABASE_URL: 'postgres://u:p@db/app',
    });
    expect(config).toMatchObject({
      backend: 'redis',
      ttlSeconds: 60,
      cookie: { name: 'shop_sid', secure: true, httpOnly: false, sameSite: 'None' },
      host: 'cache.internal',
      port: 6380,
      password: 's3cret',
      database: 'sessions',
      filePath: '/var/sessions',
      lock: true,
      lockWaitMs: 250,
      databaseUrl: 'postgres://u:p@db/app',
    });
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
    ['TINA4_SESSION_PORT', '70000', /TINA4_SESSION_PORT="70000".*1 to 65535/],
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
