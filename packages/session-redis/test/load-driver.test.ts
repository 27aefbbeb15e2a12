import { describe, expect, it } from '@jest/globals';
import { isSessionError } from '@tina4/session-core';
import { IOREDIS, loadRedisDriver } from '../src/index.js';

describe('loading the client library', () => {
  it('gives the Redis and Cluster constructors of ioredis', async () => {
    const driver = await loadRedisDriver();
    expect(typeof driver.Redis).toBe('function');
    expect(typeof driver.Cluster).toBe('function');
  });

  it('turns a library that is not installed into SessionBackendNotInstalledError with the install command', async () => {
    // A real import of a package that is not there, as when an app forgot `npm install ioredis`.
    const attempt = loadRedisDriver({ ...IOREDIS, specifier: 'ioredis-that-is-not-installed' });
    await expect(attempt).rejects.toMatchObject({
      code: 'E_SESSION_BACKEND_NOT_INSTALLED',
      backend: 'redis',
      installCommand: 'npm install @tina4/session-redis ioredis',
      message: expect.stringContaining('Run: npm install @tina4/session-redis ioredis'),
    });
    expect(isSessionError(await attempt.catch((error: unknown) => error))).toBe(true);
  });

  it('rejects a library without the constructors the store needs', async () => {
    await expect(loadRedisDriver({ ...IOREDIS, specifier: 'node:os' })).rejects.toThrow(
      'node:os does not export the Redis and Cluster classes',
    );
  });
});
