import { describe, expect, it } from '@jest/globals';
import { SessionBackendNotInstalledError } from '@tina4/session-core';
import { type DriverModule, importDriver } from '../src/index.js';

const spec = {
  driver: 'ioredis',
  backend: 'redis',
  installCommand: 'npm install @tina4/session-redis ioredis',
};

describe('importing the client library', () => {
  it('gives the Redis and Cluster constructors of ioredis', async () => {
    const driver = await importDriver(() => import('ioredis') as Promise<DriverModule>, spec);
    expect(typeof driver.Redis).toBe('function');
    expect(typeof driver.Cluster).toBe('function');
  });

  it('turns a library that is not installed into SessionBackendNotInstalledError with the install command', async () => {
    // A real import of a package that is not there, as when an app forgot `npm install ioredis`.
    const missing = 'ioredis-that-is-not-installed';
    const attempt = importDriver(() => import(missing) as Promise<DriverModule>, {
      ...spec,
      driver: missing,
    });
    await expect(attempt).rejects.toBeInstanceOf(SessionBackendNotInstalledError);
    await expect(attempt).rejects.toMatchObject({
      backend: 'redis',
      installCommand: 'npm install @tina4/session-redis ioredis',
      message: expect.stringContaining('Run: npm install @tina4/session-redis ioredis'),
    });
  });

  it('rejects a library without the constructors the store needs', async () => {
    await expect(importDriver(() => import('node:os') as Promise<DriverModule>, spec)).rejects.toThrow(
      'ioredis does not export the Redis and Cluster classes',
    );
  });
});
