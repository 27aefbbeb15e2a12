import { parseArgs } from 'node:util';
import { SESSION_MODES, type SessionMode } from './scenarios.js';

/** How long and what to measure. */
export interface BenchOptions {
  /** Measured rounds; every variant and route is measured once per round. */
  readonly rounds: number;
  /** Seconds per measured run (multiples of 0.25). */
  readonly durationSeconds: number;
  /** Seconds of discarded load per variant and route before the first round. */
  readonly warmupSeconds: number;
  readonly connections: number;
  /**
   * The session modes measured: `per-connection` (each connection a session of its own: 10 users)
   * and `shared` (all connections one session: one user with 10 requests in flight, where stores
   * that queue or merge the writes of a session show it). Both by default.
   */
  readonly modes: readonly SessionMode[];
  /** Measure the large-session routes (100 KB session, Redis and PostgreSQL rows). */
  readonly large: boolean;
  /** Count the file stores' system calls with strace (when it is installed). */
  readonly strace: boolean;
  /** Variant names, store kinds or frameworks to keep (undefined: all). */
  readonly only: readonly string[] | undefined;
  /** Count store operations per request (a short extra phase). */
  readonly countOps: boolean;
  /** Requests per route in the store-operation count. */
  readonly opsRequests: number;
  /** Where the JSON results go. */
  readonly out: string;
}

const FULL = { rounds: 4, durationSeconds: 1, warmupSeconds: 0.5 };
const QUICK = { rounds: 2, durationSeconds: 0.5, warmupSeconds: 0.25 };

export const USAGE = `Usage: pnpm bench [-- options]

  --quick             2 rounds of 0.5 s (about a quarter of the full run)
  --rounds <n>        measured rounds (default ${FULL.rounds})
  --duration <s>      seconds per measured run (default ${FULL.durationSeconds})
  --warmup <s>        discarded seconds per variant and route before round 1 (default ${FULL.warmupSeconds})
  --connections <n>   concurrent connections of the load generator (default 10)
  --mode <mode>       per-connection, shared or both (default both): per-connection gives each
                      connection a session of its own, shared gives all of them one session
  --no-large          skip the large-session routes (100 KB session of 200 keys)
  --only <list>       comma-separated stores (memory,file,redis,valkey,sqlite,postgres,mariadb,mongodb),
                      frameworks (fastify,express) or variant names; the bare ceilings always run
  --no-ops            skip counting store operations per request
  --no-strace         count the file stores' node:fs calls only, not their system calls
  --out <file>        JSON results (default bench/results/latest.json)

Store servers: TINA4_BENCH_REDIS_URL, TINA4_BENCH_VALKEY_URL, TINA4_BENCH_POSTGRES_URL,
TINA4_BENCH_MARIADB_URL, TINA4_BENCH_MONGODB_URL (defaults: the local servers on their usual
ports; on the project's machines MongoDB is the jongodb stand-in of .ci/services/mongodb.sh).`;

export function parseBenchOptions(argv: readonly string[], defaultOut: string): BenchOptions | 'help' {
  // `pnpm bench -- --quick` passes the `--` through.
  const args = argv.filter((arg) => arg !== '--');
  const { values } = parseArgs({
    args,
    options: {
      quick: { type: 'boolean' },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      only: { type: 'string' },
      mode: { type: 'string' },
      'no-large': { type: 'boolean' },
      'no-ops': { type: 'boolean' },
      'no-strace': { type: 'boolean' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const base = values.quick ? QUICK : FULL;
  const only = values.only
    ?.split(',')
    .map((token) => token.trim())
    .filter((token) => token !== '');
  return {
    rounds: positive('--rounds', values.rounds, base.rounds, true),
    durationSeconds: quarterSeconds('--duration', values.duration, base.durationSeconds),
    warmupSeconds: quarterSeconds('--warmup', values.warmup, base.warmupSeconds),
    connections: positive('--connections', values.connections, 10, true),
    modes: sessionModes(values.mode),
    large: !values['no-large'],
    strace: !values['no-strace'],
    only: only && only.length > 0 ? only : undefined,
    countOps: !values['no-ops'],
    opsRequests: values.quick ? 10 : 25,
    out: values.out ?? defaultOut,
  };
}

function sessionModes(raw: string | undefined): SessionMode[] {
  if (raw === undefined || raw === 'both') return [...SESSION_MODES];
  const mode = SESSION_MODES.find((candidate) => candidate === raw);
  if (!mode) throw new Error(`--mode ${raw} is not valid: use per-connection, shared or both.`);
  return [mode];
}

function positive(flag: string, raw: string | undefined, fallback: number, integer: boolean): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!(value > 0) || (integer && !Number.isInteger(value))) {
    throw new Error(`${flag} ${raw} is not valid: use a ${integer ? 'whole ' : ''}number above 0.`);
  }
  return value;
}

/** autocannon stops on its 250 ms sampling tick: durations are rounded up to it. */
function quarterSeconds(flag: string, raw: string | undefined, fallback: number): number {
  return Math.ceil(positive(flag, raw, fallback, false) * 4) / 4;
}
