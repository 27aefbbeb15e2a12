import { setTimeout as sleep } from 'node:timers/promises';
import { sessionKeyOf } from '@tina4/session-core';
import type { TinyApp } from './apps.js';
import type { CapturedLogger } from './capture-logger.js';
import { cookieSetBy, idOf, newSession, readSession, tally } from './http.js';
import { type LoadSample, runLoad } from './load.js';
import type { Backdoor } from './stores.js';

/** How the store goes away and comes back during the load. */
export interface Outage {
  /** Makes the store unusable (stops its server, fills its disk, ...). */
  begin(): Promise<void>;
  /** Makes it usable again. */
  end(): Promise<void>;
}

export interface OutageLoadOptions {
  readonly app: TinyApp;
  readonly backdoor: Backdoor;
  readonly logger: CapturedLogger;
  readonly outage: Outage;
  /**
   * Requests in all (default 3000); more are sent while the outage lasts or until
   * {@link minAfterRecovery} have run after it, up to four times this many.
   */
  readonly total?: number;
  /** Requests that must start after the first success that follows the outage (default 300). */
  readonly minAfterRecovery?: number;
  /** Parallel clients, each with a session of its own (default 16). */
  readonly clients?: number;
  /** The outage begins after this many responses (default a third of `total`). */
  readonly beginAfter?: number;
  /** ... and lasts at least this long (default 1500 ms). */
  readonly outageMs?: number;
}

/** What happened, for the assertions and the printed figures. */
export interface OutageReport {
  readonly requests: number;
  readonly statuses: Record<string, number>;
  /** Statuses of requests that started and ended while the store was away. */
  readonly duringOutage: Record<string, number>;
  /** Statuses of requests that ended before the outage began. */
  readonly beforeOutage: Record<string, number>;
  /** Statuses of requests that started after the first success that followed the outage. */
  readonly afterRecovery: Record<string, number>;
  /** The `code` of each 503 body. */
  readonly errorCodes: Record<string, number>;
  /** Milliseconds from the store's return to the first successful request. */
  readonly recoveryMs: number;
  /** The longest any request took, in milliseconds. */
  readonly slowestMs: number;
  /** Per client: problems found in its session (lost or repeated updates, a new id, wrong data). */
  readonly corruption: string[];
  /** Sessions checked after the run, through the back door and through the app. */
  readonly sessionsChecked: number;
  /** Session ids (raw) the clients used: they must not appear in logs or stored data. */
  readonly rawIds: string[];
}

/**
 * Runs a bounded load of `POST /bump` (read `n`, write `n + 1`) from `clients` sessions, takes the
 * store away after `beginAfter` responses and brings it back `outageMs` later, without restarting
 * the app. Each client sends one request at a time, so the value it is answered is checkable: it
 * is one more than the last one it was answered, or more only by requests that failed ambiguously
 * (answered 503 after the store had applied the write). Afterwards every session is read through the
 * back door and the app and must hold exactly the last value its client was answered.
 */
export async function runOutageLoad(options: OutageLoadOptions): Promise<OutageReport> {
  const total = options.total ?? 3000;
  const clients = options.clients ?? 16;
  const beginAfter = options.beginAfter ?? Math.floor(total / 3);
  const outageMs = options.outageMs ?? 1500;
  const minAfterRecovery = options.minAfterRecovery ?? 300;
  const { app } = options;

  const cookies = await Promise.all(
    Array.from({ length: clients }, (_, client) => newSession(app.url, 'owner', `client-${client}`)),
  );
  const acked = new Array<number>(clients).fill(0);
  const failedSinceAck = new Array<number>(clients).fill(0);
  const corruption: string[] = [];
  const errorCodes: string[] = [];

  let stoppedAt = Number.POSITIVE_INFINITY;
  let stopDoneAt = Number.POSITIVE_INFINITY;
  let restartAt = Number.POSITIVE_INFINITY;
  let restartedAt = Number.POSITIVE_INFINITY;
  let firstSuccessAfter: LoadSample | undefined;
  let startedAfterRecovery = 0;
  let outage: Promise<void> | undefined;

  const stageOutage = async (): Promise<void> => {
    stoppedAt = performance.now();
    await options.outage.begin();
    stopDoneAt = performance.now();
    await sleep(outageMs);
    restartAt = performance.now();
    await options.outage.end();
    restartedAt = performance.now();
  };

  const samples = await runLoad({
    total,
    maxTotal: total * 4,
    keepGoing: () => startedAfterRecovery < minAfterRecovery,
    concurrency: clients,
    async request(client) {
      if (firstSuccessAfter !== undefined) startedAfterRecovery++;
      const response = await fetch(`${app.url}/bump`, {
        method: 'POST',
        headers: { cookie: cookies[client]! },
      });
      const text = await response.text();
      if (response.status === 200) {
        const { n } = JSON.parse(text) as { n: number };
        const expected = acked[client]! + 1;
        if (n < expected || n > expected + failedSinceAck[client]!) {
          corruption.push(
            `client ${client}: answered n=${n} after n=${acked[client]} (${failedSinceAck[client]} failed in between)`,
          );
        }
        acked[client] = n;
        failedSinceAck[client] = 0;
        const cookie = cookieSetBy(response);
        if (cookie !== undefined && cookie !== cookies[client])
          corruption.push(`client ${client}: was given a new session id`);
      } else {
        failedSinceAck[client]! += 1;
        if (response.status === 503) errorCodes.push(String((JSON.parse(text) as { code?: unknown }).code));
      }
      return response.status;
    },
    onResponse(sample, done) {
      if (done === beginAfter) outage = stageOutage();
      if (firstSuccessAfter === undefined && sample.status === 200 && sample.startedAt > restartedAt) {
        firstSuccessAfter = sample;
      }
    },
  });
  await outage;

  // Every client's last request came after the recovery: its session holds exactly what it was last told.
  let sessionsChecked = 0;
  for (let client = 0; client < clients; client++) {
    const cookie = cookies[client]!;
    const fields = await options.backdoor.fields(sessionKeyOf(idOf(cookie)));
    const seen = await readSession(app.url, cookie);
    if (fields === undefined) corruption.push(`client ${client}: session missing from the store`);
    if (seen.owner !== `client-${client}`)
      corruption.push(`client ${client}: owner is ${JSON.stringify(seen.owner)}`);
    if (seen.n !== acked[client])
      corruption.push(`client ${client}: stored n=${String(seen.n)}, last answered ${acked[client]}`);
    sessionsChecked++;
  }

  const recoveredAt = firstSuccessAfter?.endedAt ?? Number.POSITIVE_INFINITY;
  return {
    requests: samples.length,
    statuses: tally(samples.map((sample) => sample.status)),
    beforeOutage: tally(samples.filter((s) => s.endedAt < stoppedAt).map((s) => s.status)),
    duringOutage: tally(
      samples.filter((s) => s.startedAt > stopDoneAt && s.endedAt < restartAt).map((s) => s.status),
    ),
    afterRecovery: tally(samples.filter((s) => s.startedAt > recoveredAt).map((s) => s.status)),
    errorCodes: tally(errorCodes),
    recoveryMs: Math.round(recoveredAt - restartedAt),
    slowestMs: Math.round(Math.max(...samples.map((sample) => sample.endedAt - sample.startedAt))),
    corruption,
    sessionsChecked,
    rawIds: cookies.map(idOf),
  };
}
