import { afterAll, describe, expect, it } from '@jest/globals';
import {
  type BackendName,
  type FreezableProxy,
  provideTestBackend,
  startFreezableProxy,
} from '@tina4/test-servers';
import { startTinyApp, type TinyApp } from './support/apps.js';
import { captureLogger } from './support/capture-logger.js';
import { printFigures } from './support/figures.js';
import { newSession, readSession, writeUrl } from './support/http.js';
import { privateSqlTarget } from './support/sql-stores.js';
import { mongoTarget, redisLikeTarget, type StoreTarget } from './support/stores.js';

/**
 * A store server that hangs: a proxy in front of it stops moving bytes, without closing anything
 * (a database stuck on a lock, a network that drops packets). Every request that needs the store
 * must get a 503 within the store's deadline (`TINA4_SESSION_STORE_TIMEOUT`, default 2000 ms), with
 * the lock on or off, instead of hanging; once the server answers again, so does the app, with the
 * data its clients were told is saved.
 */

const STORE_TIMEOUT_MS = 2000;
const LOCK_WAIT_MS = 1000;
/** What a 503 may take beyond its deadline (event loop, a busy CI machine). */
const SLACK_MS = 1500;

interface Scenario {
  readonly backend: BackendName;
  readonly target: (url: string) => Promise<StoreTarget> | StoreTarget;
}

const SCENARIOS: Scenario[] = [
  { backend: 'postgres', target: (url) => privateSqlTarget.create('postgres', url) },
  { backend: 'mariadb', target: (url) => privateSqlTarget.create('mariadb', url) },
  { backend: 'redis', target: (url) => redisLikeTarget('redis', url) },
  { backend: 'mongodb', target: mongoTarget },
];

const cleanUp: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const step of cleanUp.reverse()) await step().catch(() => {});
});

/** Milliseconds a request takes, and its status. */
async function timed(request: () => Promise<Response>): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const response = await request();
  await response.arrayBuffer();
  return { status: response.status, ms: Math.round(performance.now() - started) };
}

/** Retries `GET /read` until it answers 200, for at most 15 s; the milliseconds it took. */
async function untilAnswering(app: TinyApp, cookie: string): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < 15_000) {
    const response = await fetch(`${app.url}/read`, { headers: { cookie } });
    await response.arrayBuffer();
    if (response.status === 200) return Math.round(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the app did not answer 200 within 15 s of the server answering again');
}

for (const scenario of SCENARIOS) {
  const provided = await provideTestBackend(scenario.backend);
  if ('skip' in provided) {
    describe.skip(`a frozen ${scenario.backend} server (${provided.skip})`, () => {
      it('needs the server', () => {});
    });
    continue;
  }
  cleanUp.push(() => provided.stop());

  describe(`a frozen ${scenario.backend} server`, () => {
    let proxy: FreezableProxy;
    let target: StoreTarget;

    it('answers 503 within the store deadline, lock or no lock, then recovers with its data', async () => {
      const { hostname, port } = new URL(provided.url);
      proxy = await startFreezableProxy({ host: hostname, port: Number(port) });
      cleanUp.push(() => proxy.close());
      target = await scenario.target(proxy.via(provided.url));
      cleanUp.push(() => target.dispose());
      const logger = captureLogger();
      const plain = await startTinyApp('express', await target.options({ logger }));
      const locked = await startTinyApp(
        'express',
        await target.options({
          logger,
          env: { TINA4_SESSION_LOCK: 'true', TINA4_SESSION_LOCK_WAIT: String(LOCK_WAIT_MS) },
        }),
      );
      try {
        const cookie = await newSession(plain.url, 'owner', 'before the freeze');
        expect(await readSession(plain.url, cookie)).toEqual({ owner: 'before the freeze' });

        proxy.freeze();
        const read = await timed(() => fetch(`${plain.url}/read`, { headers: { cookie } }));
        const write = await timed(() =>
          fetch(writeUrl(plain.url, 'during', 'the freeze'), { method: 'POST', headers: { cookie } }),
        );
        const lockedRead = await timed(() => fetch(`${locked.url}/read`, { headers: { cookie } }));
        proxy.thaw();
        const recoveryMs = await untilAnswering(plain, cookie);
        const after = await readSession(plain.url, cookie);

        printFigures('faults: frozen server (proxy stops moving bytes)', scenario.backend, {
          readMsTo503: read.ms,
          writeMsTo503: write.ms,
          lockedReadMsTo503: lockedRead.ms,
          storeTimeoutMs: STORE_TIMEOUT_MS,
          lockWaitMs: LOCK_WAIT_MS,
          recoveryMs,
          // A write answered 503 whose statement had already reached the server may still be applied.
          writeAnswered503AppliedLater: after.during === 'the freeze',
        });
        expect(read.status).toBe(503);
        expect(read.ms).toBeLessThan(STORE_TIMEOUT_MS + SLACK_MS);
        expect(write.status).toBe(503);
        expect(write.ms).toBeLessThan(STORE_TIMEOUT_MS + SLACK_MS);
        expect(lockedRead.status).toBe(503);
        // A hung server costs the store deadline, lock or no lock: the lock wait bounds waiting
        // for another request of the session, not a server that does not answer.
        expect(lockedRead.ms).toBeLessThan(STORE_TIMEOUT_MS + SLACK_MS);
        expect(after.owner).toBe('before the freeze');
      } finally {
        proxy.thaw();
        await plain.close();
        await locked.close();
      }
    }, 60_000);
  });
}
