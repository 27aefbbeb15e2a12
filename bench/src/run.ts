/**
 * `pnpm bench`: measures Tina4 Sessions against bare frameworks and the session libraries people use
 * today, on loopback. See bench/README.md for what is measured and how to read the results.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reasonOf, startBenchServers, stopBenchServers } from './bench-servers.js';
import { parseBenchOptions, USAGE } from './cli-options.js';
import { endpointsFromEnv, endpointsToEnv } from './endpoints.js';
import { readCount } from './load.js';
import { loadAverage, machineInfo } from './machine.js';
import { measureRounds, warmUp } from './measure-rounds.js';
import { countStoreOps, isCountable, type VariantOps } from './ops/store-ops.js';
import { type ReportInput, renderMarkdown, renderText } from './report.js';
import { resultsJson } from './results-json.js';
import { ROUTES, type RoutePath } from './routes.js';
import { selectVariants, unreachableStores } from './select-variants.js';
import { evaluateTargets } from './targets.js';
import type { Variant } from './variants.js';

const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

const log = (line: string): void => void process.stdout.write(`${line}\n`);
const stderrOf = (variant: Variant) => (line: string) => log(`    [${variant.name}] ${line}`);

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2), join(BENCH_DIR, 'results', 'latest.json'));
  if (options === 'help') {
    log(USAGE);
    return;
  }
  const startedAt = Date.now();
  const machine = machineInfo();
  const dataDir = mkdtempSync(join(tmpdir(), 'tina4-bench-'));
  const endpoints = endpointsFromEnv(process.env, dataDir);
  const variants = selectVariants(options.only, endpoints);
  log(
    `Tina4 Sessions benchmark: ${variants.length} variants x ${ROUTES.length} routes, ` +
      `${options.rounds} rounds of ${options.durationSeconds} s, ${options.connections} connections`,
  );
  log(
    `Machine: ${machine.cpus} CPUs (${machine.cpuModel}), Node ${machine.node}, ` +
      `load average ${machine.loadAverageAtStart.join(' ')}`,
  );
  if (endpoints.mongodbUrl === undefined)
    log('MongoDB rows skipped: set TINA4_BENCH_MONGODB_URL to include them.');

  // 1. Variants whose store server does not answer are reported, not measured.
  const unavailable = await unreachableStores(variants, endpoints);
  const available = (): Variant[] => variants.filter((variant) => !unavailable.has(variant.name));

  // 2. Store operations per request, each variant in a server of its own behind counters.
  const ops = new Map<string, VariantOps>();
  if (options.countOps) {
    log(`\nCounting store operations (${options.opsRequests} sequential requests per route)...`);
    for (const variant of available().filter((candidate) => isCountable(candidate.store))) {
      try {
        const counted = await countStoreOps(variant, endpoints, options.opsRequests, stderrOf(variant));
        ops.set(variant.name, counted);
        log(
          `  ${variant.name.padEnd(32)} ${ROUTES.map((route) => `${route.path} ${opsSummary(counted, route.path)}`).join(' | ')}`,
        );
      } catch (error) {
        unavailable.set(variant.name, reasonOf(error));
        log(`  ${variant.name.padEnd(32)} not available: ${reasonOf(error)}`);
      }
    }
  }

  // 3. One server per variant, all running through the rounds.
  log(`\nStarting ${available().length} servers...`);
  const { servers, failures } = await startBenchServers(available(), {
    env: endpointsToEnv(endpoints),
    sessions: options.sessionPerConnection ? options.connections : 1,
    onStderr: stderrOf,
  });
  for (const [name, reason] of failures) {
    unavailable.set(name, reason);
    log(`  ${name} not available: ${reason}`);
  }
  log(`  ${servers.size - failures.size} running`);
  try {
    const measured = available();
    log(`\nWarm-up: ${options.warmupSeconds} s per variant and route (discarded)...`);
    await warmUp(measured, servers, { ...options, log });
    const { measurements, otherCores } = await measureRounds(measured, servers, { ...options, log });

    // A session lost mid-run (a store flushed by someone else) would make reads look cheap.
    for (const variant of measured.filter((candidate) => candidate.library !== 'bare')) {
      const { server, cookies } = servers.get(variant.name)!;
      const count = await readCount(server.port, cookies[0]!).catch(() => undefined);
      if (count === undefined || count < 1)
        log(`  (!) ${variant.name}: the primed session was lost (count ${count})`);
    }

    const input: ReportInput = {
      machine,
      settings:
        `${options.rounds} rounds x ${options.durationSeconds} s per variant and route, ` +
        `${options.warmupSeconds} s warm-up, ${options.connections} connections (autocannon, loopback), ` +
        (options.sessionPerConnection ? 'one session per connection' : 'all connections share one session'),
      load:
        `load average ${machine.loadAverageAtStart.join(' ')} at start, ${loadAverage().join(' ')} at end; ` +
        `during the rounds other processes used ${otherCores.toFixed(2)} of ${machine.cpus} cores on average`,
      variants,
      unavailable,
      measurements,
      ops,
      targets: evaluateTargets(measurements),
    };
    log(`\n${renderText(input)}`);
    mkdirSync(dirname(options.out), { recursive: true });
    writeFileSync(options.out, `${JSON.stringify(resultsJson(input, options), null, 2)}\n`);
    const markdownPath = `${options.out.replace(/\.json$/, '')}.md`;
    writeFileSync(markdownPath, renderMarkdown(input));
    log(
      `Results: ${options.out} and ${markdownPath} (${Math.round((Date.now() - startedAt) / 1000)} s in all)`,
    );
  } finally {
    await stopBenchServers(servers);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** "1 rt" for network stores, "9 ops" for in-process ones. */
function opsSummary(ops: VariantOps, route: RoutePath): string {
  const routeOps = ops[route];
  if (!routeOps) return '–';
  const total = Object.values(routeOps.operations).reduce((sum, count) => sum + count, 0);
  return routeOps.roundTrips === undefined
    ? `${Math.round(total * 100) / 100} ops`
    : `${routeOps.roundTrips} rt`;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
