/**
 * Profiles one variant on one route: `pnpm --dir bench bench:profile <variant> <route> [seconds] [--shared]`.
 * Starts the server with `--cpu-prof`, loads the route as the benchmark does, and prints where the
 * server's CPU time went: by package/file and by function (self and inclusive time).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cookiesFor, primeCookies } from './bench-servers.js';
import { endpointsFromEnv, endpointsToEnv } from './endpoints.js';
import { runLoad } from './load.js';
import { ROUTES } from './routes.js';
import { findScenario } from './scenarios.js';
import { ServerProcess } from './server-process.js';
import { findVariant } from './variants.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
}

/** Where a script belongs: a package (`fastify`, `ioredis`), a Tina4 source file, or Node itself. */
function ownerOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const tina4 = /\/packages\/(session-[a-z]+)\/src\/(.+)$/.exec(url);
  if (tina4) return `@tina4/${tina4[1]}/${tina4[2]}`;
  const packages = [...url.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)];
  const last = packages.at(-1)?.[1];
  if (last) return last;
  if (url.includes('/bench/src/')) return 'bench server';
  return url;
}

function top(entries: Map<string, number>, total: number, count: number): string[] {
  return [...entries]
    .sort(([, a], [, b]) => b - a)
    .slice(0, count)
    .map(([name, hits]) => `  ${((100 * hits) / total).toFixed(1).padStart(5)}%  ${name}`);
}

/** Self time by owner and function, and inclusive time by function (each function once per stack). */
function analyse(profile: CpuProfile): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const label = (node: ProfileNode): string => {
    const { functionName, url, lineNumber } = node.callFrame;
    const owner = ownerOf(url, functionName);
    return `${functionName || '(anonymous)'}  [${owner}${url ? `:${lineNumber + 1}` : ''}]`;
  };
  const idle = new Set(['(idle)', '(program)']);
  const byOwner = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let busy = 0;
  let idleSamples = 0;
  for (const id of profile.samples) {
    const leaf = byId.get(id);
    if (!leaf) continue;
    if (idle.has(leaf.callFrame.functionName)) {
      idleSamples++;
      continue;
    }
    busy++;
    const owner = ownerOf(leaf.callFrame.url, leaf.callFrame.functionName);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + 1);
    selfByFunction.set(label(leaf), (selfByFunction.get(label(leaf)) ?? 0) + 1);
    const seen = new Set<string>();
    for (let node: ProfileNode | undefined = leaf; node; node = byId.get(parent.get(node.id) ?? -1)) {
      const name = label(node);
      if (seen.has(name) || node.callFrame.functionName === '(root)') continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + 1);
    }
  }
  return [
    `${busy} busy samples (${idleSamples} idle); shares are of busy samples`,
    '',
    'Self time by package / file:',
    ...top(byOwner, busy, 25),
    '',
    'Self time by function:',
    ...top(selfByFunction, busy, 30),
    '',
    'Inclusive time by function (Tina4 and session libraries):',
    ...top(
      new Map(
        [...inclusive].filter(([name]) => /@tina4|session|redis|pg|kysely|file-store|connect-/.test(name)),
      ),
      busy,
      30,
    ),
  ].join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((arg) => arg !== '--');
  const shared = args.includes('--shared');
  const [variantName, routePath, seconds = '5'] = args.filter((arg) => arg !== '--shared');
  const route = ROUTES.find((candidate) => candidate.path === routePath);
  if (!variantName || !route) {
    process.stdout.write(
      `Usage: pnpm --dir bench bench:profile <variant> <${ROUTES.map((r) => r.path).join('|')}> [seconds] [--shared]\n` +
        '  (a session per connection by default; --shared: all connections one session)\n',
    );
    process.exitCode = 1;
    return;
  }
  const variant = findVariant(variantName);
  const scenario = findScenario(
    route.path,
    route.session === 'none' ? undefined : shared && route.session === 'small' ? 'shared' : 'per-connection',
  );
  const dataDir = mkdtempSync(join(tmpdir(), 'tina4-bench-'));
  const profileDir = join(dataDir, 'profile');
  mkdirSync(profileDir);
  try {
    const server = await ServerProcess.start(variant, {
      env: endpointsToEnv(endpointsFromEnv(process.env, dataDir)),
      nodeArgs: ['--cpu-prof', '--cpu-prof-dir', profileDir],
      onStderr: (line) => process.stdout.write(`  [server] ${line}\n`),
    });
    const connections = 10;
    const cookies = await primeCookies(server.port, variant, [scenario], connections);
    const load = { port: server.port, route, cookies: cookiesFor(cookies, scenario), connections };
    await runLoad({ ...load, durationSeconds: 1 });
    const result = await runLoad({ ...load, durationSeconds: Number(seconds) });
    await server.stop();
    process.stdout.write(
      `${variant.name} ${scenario.id}: ${Math.round(result.rps)} req/s over ${result.durationSeconds} s\n\n`,
    );
    const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
    if (!file) throw new Error('the server wrote no profile');
    process.stdout.write(
      `${analyse(JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as CpuProfile)}\n`,
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
