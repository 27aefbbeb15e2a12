import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { resolveSessionConfig } from '@tina4/session-core';
import { storeComplianceSuite } from '@tina4/session-core/testing';
import {
  haveBinaries,
  redisBackdoor,
  skipOrFail,
  startCluster,
  uniquePrefix,
  VALKEY_BINARIES,
} from '@tina4/test-servers';
import { Cluster } from 'iovalkey';
import { createStoreFromConfig } from '../src/index.js';

if (!haveBinaries(VALKEY_BINARIES)) {
  skipOrFail('valkey', 'valkey-server and valkey-cli are not on the PATH (see .ci/services/valkey.sh)');
  describe.skip('valkey store on a Valkey cluster', () => {
    it('needs valkey-server', () => {});
  });
} else {
  // Three masters on loopback, private to this file; stopped (by pid) when it is done.
  const cluster = await startCluster(VALKEY_BINARIES, 3);
  const raw = new Cluster(cluster.nodes);
  const prefix = uniquePrefix('valkey-cluster');

  afterAll(async () => {
    raw.disconnect();
    await cluster.stop();
  });

  storeComplianceSuite(
    { describe, it, beforeAll, afterAll },
    {
      name: 'valkey (cluster of 3 masters)',
      createStore: () =>
        createStoreFromConfig(
          resolveSessionConfig({
            envFile: false,
            env: {
              TINA4_SESSION_BACKEND: 'valkey',
              TINA4_SESSION_CLUSTER: cluster.nodes.map(({ host, port }) => `${host}:${port}`).join(','),
              TINA4_SESSION_PREFIX: prefix,
            },
          }),
        ),
      backdoor: redisBackdoor(prefix, { keys: raw, servers: () => raw.nodes('master') }),
      lock: true,
      userSessions: true,
    },
  );
}
