/**
 * `pnpm bench`: measures Tina4 Sessions against bare frameworks and the session libraries people use
 * today, on loopback. See bench/README.md for what is measured and how to read the results.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cookiesFor, reasonOf, startBenchServers, stopBenchServers } from './bench-servers.js';
import { parseBenchOptions, USAGE } from './cli-options.js';
import { endpointsFromEnv, endpointsToEnv } from './endpoints.js';
import { readCount } from './load.js';
import { loadAverage, machineInfo } from './machine.js';
import { measureRounds, type PlannedScenario, warmUp } from './measure-rounds.js';
import { mongodbServerVersion, mongodbStandInNote } from './mongodb-server.js';
import { countStoreOps, isCountable, totalOperations, type VariantOps } from './ops/store-ops.js';
import { straceAvailable } from './ops/syscall-trace.js';
import { type ReportInput, renderMarkdown, renderText } from './report.js';
import { resultsJson } from './results-json.js';
import { runsScenario, SCENARIOS } from './scenarios.js';
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
  const variants = selectVariants(options.only);
  const plan: PlannedScenario[] = SCENARIOS.map((scenario) => ({
    scenario,
    variants: variants.filter((variant) => runsScenario(variant, scenario, options)),
  })).filter(({ variants: running }) => running.length > 0);
  const scenariosOf = (variant: Variant) =>
    plan.filter(({ variants: running }) => running.includes(variant)).map(({ scenario }) => scenario);
  const cells = plan.reduce((sum, { variants: running }) => sum + running.length, 0);
  log(
    `Tina4 Sessions benchmark: ${variants.length} variants, ${plan.length} scenarios (${cells} cells), ` +
      `${options.rounds} rounds of ${options.durationSeconds} s, ${options.connections} connections`,
  );
  log(
    `Machine: ${machine.cpus} CPUs (${machine.cpuModel}), Node ${machine.node}, ` +
      `load average ${machine.loadAverageAtStart.join(' ')}`,
  );

  // 1. Variants whose store server does not answer are reported, not measured.
  const unavailable = await unreachableStores(variants, endpoints);
  const mongodbVersion = variants.some(
    (variant) => variant.store === 'mongodb' && !unavailable.has(variant.name),
  )
    ? await mongodbServerVersion(endpoints.mongodbUrl)
    : undefined;
  const mongodbStandIn = mongodbStandInNote(mongodbVersion);
  if (mongodbStandIn) log(`MongoDB: ${mongodbStandIn}`);
  const available = (): Variant[] => variants.filter((variant) => !unavailable.has(variant.name));

  // 2. Store operations per request, each variant in a server of its own behind counters.
  const ops = new Map<string, VariantOps>();
  if (options.countOps) {
    const strace = options.strace && straceAvailable();
    log(
      `\nCounting store operations (${options.opsRequests} requests per route over ${options.connections} sessions; ` +
        `file stores: node:fs calls${strace ? ' and system calls (strace)' : ', strace not used'})...`,
    );
    for (const variant of available().filter((candidate) => isCountable(candidate.store))) {
      try {
        const counted = await countStoreOps(variant, endpoints, {
          requests: options.opsRequests,
          connections: options.connections,
          scenarios: scenariosOf(variant),
          strace,
          onStderr: stderrOf(variant),
        });
        ops.set(variant.name, counted);
        log(`  ${variant.name.padEnd(32)} ${opsSummary(counted)}`);
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
    connections: options.connections,
    scenariosOf,
    onStderr: stderrOf,
  });
  for (const [name, reason] of failures) {
    unavailable.set(name, reason);
    log(`  ${name} not available: ${reason}`);
  }
  log(`  ${servers.size - failures.size} running`);
  try {
    const measuredPlan = plan
      .map(({ scenario, variants: running }) => ({
        scenario,
        variants: running.filter((variant) => !unavailable.has(variant.name)),
      }))
      .filter(({ variants: running }) => running.length > 0);
    log(`\nWarm-up: ${options.warmupSeconds} s per variant and scenario (discarded)...`);
    await warmUp(measuredPlan, servers, { ...options, log });
    const { measurements, otherCores } = await measureRounds(measuredPlan, servers, { ...options, log });

    // A session lost mid-run (a store flushed by someone else) would make reads look cheap.
    for (const { scenario, variants: running } of measuredPlan.filter(
      (p) => p.scenario.route.session === 'small',
    )) {
      for (const variant of running.filter((candidate) => candidate.library !== 'bare')) {
        const { server, cookies } = servers.get(variant.name)!;
        const cookie = cookiesFor(cookies, scenario)[0]!;
        const count = await readCount(server.port, cookie).catch(() => undefined);
        if (count === undefined || count < 1)
          log(`  (!) ${variant.name}: the primed session of ${scenario.id} was lost (count ${count})`);
      }
    }

    const input: ReportInput = {
      machine,
      settings:
        `${options.rounds} rounds x ${options.durationSeconds} s per variant and scenario, ` +
        `${options.warmupSeconds} s warm-up, ${options.connections} connections (autocannon, loopback); ` +
        `modes: ${options.modes.join(', ')}${options.large ? '; large-session routes' : ''}`,
      load:
        `load average ${machine.loadAverageAtStart.join(' ')} at start, ${loadAverage().join(' ')} at end; ` +
        `during the rounds other processes used ${otherCores.toFixed(2)} of ${machine.cpus} cores on average`,
      variants,
      plan,
      unavailable,
      measurements,
      ops,
      targets: evaluateTargets({ measurements, ops, unavailable }),
      mongodbStandIn,
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

/** "/read 1 rt | /write 2 rt | ..." for network stores, "9 ops" for in-process ones. */
function opsSummary(ops: VariantOps): string {
  return Object.entries(ops)
    .map(([path, routeOps]) => {
      const figure =
        routeOps.roundTrips === undefined ? `${totalOperations(routeOps)} ops` : `${routeOps.roundTrips} rt`;
      return `${path} ${figure}`;
    })
    .join(' | ');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
