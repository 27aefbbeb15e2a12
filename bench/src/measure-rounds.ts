import { availableParallelism } from 'node:os';
import { type BenchServer, cookiesFor } from './bench-servers.js';
import { runLoad } from './load.js';
import { loadAverage, machineCpuSeconds, ownCpuSeconds } from './machine.js';
import type { Scenario } from './scenarios.js';
import type { Measurement, Measurements } from './summary.js';
import type { Variant } from './variants.js';

export interface RoundOptions {
  readonly rounds: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly connections: number;
  readonly log: (line: string) => void;
}

/** A scenario and the variants that run it, in the order of the tables. */
export interface PlannedScenario {
  readonly scenario: Scenario;
  readonly variants: readonly Variant[];
}

function loadOf(bench: BenchServer, scenario: Scenario, connections: number) {
  return {
    port: bench.server.port,
    route: scenario.route,
    cookies: cookiesFor(bench.cookies, scenario),
    connections,
  };
}

/** Discarded load on every variant and scenario, so that the rounds measure optimised code. */
export async function warmUp(
  plan: readonly PlannedScenario[],
  servers: ReadonlyMap<string, BenchServer>,
  options: RoundOptions,
): Promise<void> {
  for (const { scenario, variants } of plan) {
    for (const variant of variants) {
      const load = loadOf(servers.get(variant.name)!, scenario, options.connections);
      await runLoad({ ...load, durationSeconds: options.warmupSeconds });
    }
  }
}

/**
 * The measured rounds: in each, every scenario is run on every variant in turn (the order reversed
 * in every other round), so that the machine's changing load spreads evenly over the variants and
 * a variant and its references are measured close together. Also returns how many cores other
 * processes used meanwhile (the machine's busy time minus this process's and the servers').
 */
export async function measureRounds(
  plan: readonly PlannedScenario[],
  servers: ReadonlyMap<string, BenchServer>,
  options: RoundOptions,
): Promise<{ measurements: Measurements; otherCores: number }> {
  const measurements: Measurements = new Map();
  const record = (variant: Variant, scenario: Scenario, measurement: Measurement): void => {
    const byScenario = measurements.get(variant.name) ?? new Map<string, Measurement[]>();
    measurements.set(variant.name, byScenario);
    byScenario.set(scenario.id, [...(byScenario.get(scenario.id) ?? []), measurement]);
  };
  const serversCpu = (): number =>
    [...servers.values()].reduce((sum, { server }) => sum + server.cpuSeconds(), 0);
  const before = { machine: machineCpuSeconds(), own: ownCpuSeconds(), servers: serversCpu() };

  for (let round = 1; round <= options.rounds; round++) {
    options.log(`\nRound ${round}/${options.rounds} (load average ${loadAverage().join(' ')})`);
    for (const { scenario, variants } of plan) {
      const order = round % 2 === 1 ? variants : [...variants].reverse();
      for (const variant of order) {
        const bench = servers.get(variant.name)!;
        const cpuStart = bench.server.cpuSeconds();
        const load = loadOf(bench, scenario, options.connections);
        const result = await runLoad({ ...load, durationSeconds: options.durationSeconds });
        const cpuUsPerRequest = ((bench.server.cpuSeconds() - cpuStart) * 1e6) / Math.max(1, result.requests);
        record(variant, scenario, { ...result, round, cpuUsPerRequest });
        const failures = result.errors + result.non2xx;
        options.log(
          `  ${scenario.id.padEnd(34)} ${variant.name.padEnd(32)} ` +
            `${Math.round(result.rps).toString().padStart(6)} req/s  p99 ${result.p99Ms.toFixed(1).padStart(5)} ms  ` +
            `${cpuUsPerRequest.toFixed(0).padStart(5)} µs CPU/req` +
            (failures > 0 ? `  (!) ${result.errors} errors, ${result.non2xx} non-2xx` : '') +
            (result.requests === 0 ? '  (!) no request completed within the run' : ''),
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
