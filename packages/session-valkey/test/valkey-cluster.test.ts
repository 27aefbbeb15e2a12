import { afterAll, describe, it } from '@jest/globals';
import { resolveSessionConfig } from '@tina4/session-core';
import { storeComplianceSuite } from '@tina4/store-test-suite';
import { Cluster } from 'iovalkey';
import { redisBackdoor, uniquePrefix } from '../../session-redis/test/support/redis-backdoor.js';
import {
  haveBinaries,
  startCluster,
  VALKEY_BINARIES,
} from '../../session-redis/test/support/redis-processes.js';
import { skipOrFail } from '../../session-redis/test/support/required.js';
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

  storeComplianceSuite({
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
  });
}
