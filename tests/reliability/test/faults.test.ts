import { afterAll, describe, expect, it } from '@jest/globals';
import {
  mongoServerBinary,
  onPath,
  type PrivateServer,
  postgresUnavailable,
  startFreezingMongo,
  startPostgres,
  startRedisLike,
} from '@tina4/test-servers';
import { startTinyApp } from './support/apps.js';
import { captureLogger } from './support/capture-logger.js';
import { printFigures } from './support/figures.js';
import { runOutageLoad } from './support/outage-load.js';
import { privateSqlTarget } from './support/sql-stores.js';
import { mongoTarget, redisLikeTarget, type StoreTarget } from './support/stores.js';

/**
 * A store server stopped abruptly in the middle of a bounded load (MongoDB: frozen), then started
 * again, with the app left running: while it is away every request gets a clear 503 (no 500, no hang, no crash,
 * no unhandled rejection: Jest fails the running test on either), afterwards every request
 * succeeds, and every session holds exactly what its client was last told. The servers are
 * private ones this file starts on spare ports; the machine's shared servers are never touched.
 */

interface Scenario {
  readonly name: string;
  /** Why it cannot run here, if it cannot. */
  readonly missing: () => Promise<string | undefined>;
  readonly start: () => Promise<PrivateServer>;
  readonly target: (server: PrivateServer) => StoreTarget | Promise<StoreTarget>;
  /** Settings of the app under test, beyond the store's own. */
  readonly env?: Record<string, string>;
  /** How long the server stays away (default that of runOutageLoad). */
  readonly outageMs?: number;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'redis',
    missing: async () => (onPath('redis-server') ? undefined : 'redis-server is not installed'),
    start: () => startRedisLike('redis'),
    target: (server) => redisLikeTarget('redis', server.url),
  },
  {
    name: 'valkey',
    missing: async () => (onPath('valkey-server') ? undefined : 'valkey-server is not installed'),
    start: () => startRedisLike('valkey'),
    target: (server) => redisLikeTarget('valkey', server.url),
  },
  {
    name: 'postgres',
    missing: async () => (await postgresUnavailable()) ?? (await privateSqlTarget.unavailable()),
    start: startPostgres,
    target: (server) => privateSqlTarget.create('postgres', server.url),
  },
  {
    // A freeze rather than a crash (see startFreezingMongo): every request then waits for the
    // store's deadline, shortened here (and the outage made longer) so that the outage holds many.
    name: 'mongodb',
    missing: async () => {
      const binary = mongoServerBinary();
      return 'missing' in binary ? binary.missing : undefined;
    },
    start: startFreezingMongo,
    target: (server) => mongoTarget(server.url),
    env: { TINA4_SESSION_STORE_TIMEOUT: '1000' },
    outageMs: 4000,
  },
];

const started: { server: PrivateServer; target: StoreTarget }[] = [];
afterAll(async () => {
  for (const { server, target } of started) {
    await target.dispose().catch(() => {});
    await server.dispose();
  }
});

for (const scenario of SCENARIOS) {
  const missing = await scenario.missing();
  if (missing) {
    console.warn(`[reliability] outage test on ${scenario.name} skipped: ${missing}`);
    describe.skip(`an outage of a private ${scenario.name} server`, () => {
      it(`needs ${scenario.name}`, () => {});
    });
    continue;
  }

  describe(`an outage of a private ${scenario.name} server`, () => {
    it('answers 503 while it is down, 100% success after it is back, and corrupts no session', async () => {
      const server = await scenario.start();
      const target = await scenario.target(server);
      started.push({ server, target });
      const logger = captureLogger();
      const app = await startTinyApp('express', await target.options({ logger, env: scenario.env ?? {} }));
      try {
        const report = await runOutageLoad({
          app,
          backdoor: target.backdoor,
          logger,
          outage: { begin: () => server.stop(), end: () => server.start() },
          ...(scenario.outageMs !== undefined && { outageMs: scenario.outageMs }),
        });
        const errorLines = logger.lines.filter((line) => line.level === 'error');
        printFigures('faults: store server stopped and restarted under load', scenario.name, {
          requests: report.requests,
          statuses: report.statuses,
          before: report.beforeOutage,
          during: report.duringOutage,
          afterRecovery: report.afterRecovery,
          codes503: report.errorCodes,
          recoveryMs: report.recoveryMs,
          slowestMs: report.slowestMs,
          sessionsChecked: report.sessionsChecked,
          corrupted: report.corruption.length,
          logLines: logger.lines.length,
        });

        expect(report.corruption).toEqual([]);
        // Only successes and clear 503s, ever: no 500, no dropped connection.
        expect(Object.keys(report.statuses).sort()).toEqual(['200', '503']);
        expect(Object.keys(report.beforeOutage)).toEqual(['200']);
        expect(Object.keys(report.duringOutage)).toEqual(['503']);
        expect(Object.keys(report.afterRecovery)).toEqual(['200']);
        expect(Object.keys(report.errorCodes)).toEqual(['E_SESSION_STORE_UNAVAILABLE']);
        expect(report.recoveryMs).toBeLessThan(10_000);

        // The outage is logged, briefly (not once per failed request), and its end too.
        expect(errorLines.length).toBeGreaterThanOrEqual(1);
        expect(errorLines.length).toBeLessThanOrEqual(10);
        expect(logger.lines.some((line) => line.message.includes('is answering again'))).toBe(true);
        // No raw session id in the logs nor in the store.
        const logText = logger.text();
        const dump = await target.backdoor.dump();
        for (const id of report.rawIds) {
          expect(logText).not.toContain(id);
          expect(dump).not.toContain(id);
        }
      } finally {
        await app.close();
      }
    });
  });
}
