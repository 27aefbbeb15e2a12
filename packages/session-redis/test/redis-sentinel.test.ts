import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { resolveSessionConfig } from '@tina4/session-core';
import { storeComplianceSuite } from '@tina4/session-core/testing';
import {
  freePort,
  haveBinaries,
  REDIS_BINARIES,
  redisBackdoor,
  skipOrFail,
  startSentinel,
  startServer,
  uniquePrefix,
} from '@tina4/test-servers';
import { Redis } from 'ioredis';
import { createStoreFromConfig } from '../src/index.js';

if (!haveBinaries(REDIS_BINARIES)) {
  skipOrFail('redis', 'redis-server and redis-cli are not on the PATH (apt-get install redis-server)');
  describe.skip('redis store through Sentinel', () => {
    it('needs redis-server', () => {});
  });
} else {
  // A master and one Sentinel that monitors it, private to this file. The store is given only the
  // Sentinel's address and the master's name, as an app would be.
  const master = await startServer(REDIS_BINARIES, await freePort());
  const sentinel = await startSentinel(REDIS_BINARIES, await freePort(), master.port, 'tina4test');
  const raw = new Redis({ host: '127.0.0.1', port: master.port });
  const prefix = uniquePrefix('sentinel');

  afterAll(async () => {
    raw.disconnect();
    await sentinel.stop();
    await master.stop();
  });

  storeComplianceSuite(
    { describe, it, beforeAll, afterAll },
    {
      name: 'redis (through Sentinel)',
      createStore: () =>
        createStoreFromConfig(
          resolveSessionConfig({
            envFile: false,
            env: {
              TINA4_SESSION_BACKEND: 'redis',
              TINA4_SESSION_SENTINELS: `127.0.0.1:${sentinel.port}`,
              TINA4_SESSION_SENTINEL_NAME: 'tina4test',
              TINA4_SESSION_PREFIX: prefix,
            },
          }),
        ),
      backdoor: redisBackdoor(prefix, { keys: raw, servers: () => [raw] }),
      lock: true,
      userSessions: true,
    },
  );
}
