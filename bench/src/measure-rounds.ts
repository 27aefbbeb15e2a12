import { availableParallelism } from 'node:os';
import type { BenchServer } from './bench-servers.js';
import { runLoad } from './load.js';
import { loadAverage, machineCpuSeconds, ownCpuSeconds } from './machine.js';
import { ROUTES } from './routes.js';
import type { Measurement, Measurements } from './summary.js';
import type { Variant } from './variants.js';

export interface RoundOptions {
  readonly rounds: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly connections: number;
  readonly log: (line: string) => void;
}

/** Discarded load on every variant and route, so that the rounds measure optimised code. */
export async function warmUp(
  variants: readonly Variant[],
  servers: ReadonlyMap<string, BenchServer>,
  options: RoundOptions,
): Promise<void> {
  for (const route of ROUTES) {
    for (const variant of variants) {
      const { server, cookies } = servers.get(variant.name)!;
      const load = { port: server.port, route, cookies, connections: options.connections };
      await runLoad({ ...load, durationSeconds: options.warmupSeconds });
    }
  }
}

/**
 * The measured rounds: in each, every route is run on every variant in turn (the order reversed in
 * every other round), so that the machine's changing load spreads evenly over the variants and
 * a variant and its references are measured close together. Also returns how many cores other
 * processes used meanwhile (the machine's busy time minus this process's and the servers').
 */
export async function measureRounds(
  variants: readonly Variant[],
  servers: ReadonlyMap<string, BenchServer>,
  options: RoundOptions,
): Promise<{ measurements: Measurements; otherCores: number }> {
  const measurements: Measurements = new Map(
    variants.map((variant) => [
      variant.name,
      new Map(ROUTES.map((route) => [route.path, [] as Measurement[]])),
    ]),
  );
  const serversCpu = (): number =>
    [...servers.values()].reduce((sum, { server }) => sum + server.cpuSeconds(), 0);
  const before = { machine: machineCpuSeconds(), own: ownCpuSeconds(), servers: serversCpu() };

  for (let round = 1; round <= options.rounds; round++) {
    const order = round % 2 === 1 ? variants : [...variants].reverse();
    options.log(`\nRound ${round}/${options.rounds} (load average ${loadAverage().join(' ')})`);
    for (const route of ROUTES) {
      for (const variant of order) {
        const { server, cookies } = servers.get(variant.name)!;
        const cpuStart = server.cpuSeconds();
        const load = { port: server.port, route, cookies, connections: options.connections };
        const result = await runLoad({ ...load, durationSeconds: options.durationSeconds });
        const cpuUsPerRequest = ((server.cpuSeconds() - cpuStart) * 1e6) / Math.max(1, result.requests);
        measurements
          .get(variant.name)!
          .get(route.path)!
          .push({ ...result, round, cpuUsPerRequest });
        const failures = result.errors + result.non2xx;
        options.log(
          `  ${`${route.method} ${route.path}`.padEnd(14)} ${variant.name.padEnd(32)} ` +
            `${Math.round(result.rps).toString().padStart(6)} req/s  p99 ${result.p99Ms.toFixed(1).padStart(5)} ms  ` +
            `${cpuUsPerRequest.toFixed(0).padStart(5)} µs CPU/req` +
            (failures > 0 ? `  (!) ${result.errors} errors, ${result.non2xx} non-2xx` : ''),
        );
      }
    }
  }

  const after = { machine: machineCpuSeconds(), own: ownCpuSeconds(), servers: serversCpu() };
  const wallSeconds = (after.machine.total - before.machine.total) / availableParallelism();
  const ours = after.own - before.own + (after.servers - before.servers);
  const others = after.machine.busy - before.machine.busy - ours;
  return { measurements, otherCores: Math.max(0, others) / wallSeconds };
}
