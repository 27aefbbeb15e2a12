import { join } from 'node:path';
import { primeCookies } from '../bench-servers.js';
import { type Endpoints, endpointsToEnv, hostAndPort, withHostAndPort } from '../endpoints.js';
import { runLoad } from '../load.js';
import type { Route, RoutePath } from '../routes.js';
import { findScenario, type Scenario } from '../scenarios.js';
import { ServerProcess } from '../server-process.js';
import type { LocalIoCounts } from '../servers/bench-server.js';
import { LOCAL_IO_ROUTE } from '../servers/bench-server.js';
import type { StoreKind, Variant } from '../variants.js';
import type { WireProtocol } from './command-decoder.js';
import { SyscallTrace } from './syscall-trace.js';
import { type WireCounts, WireProxy } from './wire-proxy.js';

/** Store operations per request of one route, averaged over the counted requests. */
export interface RouteOps {
  /** Round trips to a store server (network stores). */
  readonly roundTrips?: number;
  /** Commands, statements or fs calls per request, by name. */
  readonly operations: Record<string, number>;
  /** What `operations` counts. */
  readonly kind: 'commands' | 'sql statements' | 'fs calls';
  /** Bytes sent to the store server per request (network stores). */
  readonly bytesSent?: number;
  /** Bytes received from the store server per request (network stores). */
  readonly bytesReceived?: number;
  /** File stores, when strace is available: system calls on the store's files per request, by name. */
  readonly syscalls?: Record<string, number>;
}

/** Per route, with a session per connection (large-session routes only where they are measured). */
export type VariantOps = Partial<Record<RoutePath, RouteOps>>;

export interface OpsOptions {
  /** Requests per route. */
  readonly requests: number;
  /** Sessions (many users) the requests rotate over; also the concurrency of in-process counts. */
  readonly connections: number;
  /** The scenarios the variant runs: large-session routes are counted where they are measured. */
  readonly scenarios: readonly Scenario[];
  /** Count the file stores' system calls with strace. */
  readonly strace: boolean;
  readonly onStderr: (line: string) => void;
}

/** Network stores: the endpoint the proxy stands in front of, and its protocol. */
const NETWORK_STORES: Partial<Record<StoreKind, { endpoint: keyof Endpoints; protocol: WireProtocol }>> = {
  redis: { endpoint: 'redisUrl', protocol: 'redis' },
  valkey: { endpoint: 'valkeyUrl', protocol: 'redis' },
  postgres: { endpoint: 'postgresUrl', protocol: 'postgres' },
  mariadb: { endpoint: 'mariadbUrl', protocol: 'mysql' },
  mongodb: { endpoint: 'mongodbUrl', protocol: 'mongodb' },
};

/** Reads first, while the sessions are as primed; writes last. */
const COUNT_ORDER: readonly RoutePath[] = ['/read', '/nocookie', '/large/read', '/write', '/large/write'];

/** Whether the harness can count a store's operations (memory stores have none to count). */
export function isCountable(store: StoreKind | undefined): boolean {
  return store !== undefined && store !== 'memory';
}

/**
 * Counts the store operations per request of each route with a session per connection (many
 * users), in a server of its own started for this (so that the timed servers are not slowed by a
 * proxy or counters). Network stores: through a counting proxy, with requests sent one at a time
 * rotating over the sessions, so that every command and round trip belongs to the request in
 * flight. In-process stores (file, SQLite): preloaded counters in the server, with `connections`
 * requests in flight, each on its own session, as under the measured load; the file stores' system
 * calls also through strace when asked.
 */
export async function countStoreOps(
  variant: Variant,
  endpoints: Endpoints,
  options: OpsOptions,
): Promise<VariantOps> {
  const network = variant.store === undefined ? undefined : NETWORK_STORES[variant.store];
  let proxy: WireProxy | undefined;
  let proxied = endpoints;
  if (network) {
    const url = endpoints[network.endpoint];
    proxy = await WireProxy.start(hostAndPort(url), network.protocol);
    proxied = { ...endpoints, [network.endpoint]: withHostAndPort(url, '127.0.0.1', proxy.port) };
  }
  let server: ServerProcess | undefined;
  try {
    server = await ServerProcess.start(variant, {
      env: endpointsToEnv(proxied),
      preload: variant.store === 'file' ? ['fs'] : variant.store === 'sqlite' ? ['sqlite'] : [],
      onStderr: options.onStderr,
    });
    const { port, pid } = server;
    const cookies = await primeCookies(port, variant, options.scenarios, options.connections);
    const snapshot = async (): Promise<{ wire?: WireCounts; local?: LocalIoCounts }> => {
      await new Promise((resolve) => setTimeout(resolve, 50)); // let writes after the response land
      if (proxy) return { wire: proxy.counts() };
      const response = await fetch(`http://127.0.0.1:${port}${LOCAL_IO_ROUTE}`);
      return { local: (await response.json()) as LocalIoCounts };
    };

    const result: VariantOps = {};
    for (const path of COUNT_ORDER) {
      const scenario = findScenario(path, path === '/nocookie' ? undefined : 'per-connection');
      if (!options.scenarios.some((candidate) => candidate.id === scenario.id)) continue;
      const routeCookies =
        scenario.route.session === 'none'
          ? []
          : scenario.route.session === 'large'
            ? cookies.large
            : cookies.perConnection;
      const trace =
        options.strace && variant.store === 'file'
          ? await SyscallTrace.attach(pid, join(endpoints.dataDir, `strace-${variant.name}.txt`))
          : undefined;
      const before = await snapshot();
      const requests = proxy
        ? await sendOneAtATime(port, scenario.route, routeCookies, options.requests)
        : (
            await runLoad({
              port,
              route: scenario.route,
              cookies: routeCookies,
              connections: options.connections,
              amount: options.requests,
            })
          ).requests;
      const after = await snapshot();
      const syscalls = await trace?.detach(endpoints.dataDir);
      result[path] = perRequest(before, after, requests, syscalls);
    }
    return result;
  } finally {
    await server?.stop();
    await proxy?.close();
  }
}

/** Requests one after another, connection i's session for request i; returns how many succeeded. */
async function sendOneAtATime(
  port: number,
  route: Route,
  cookies: readonly string[],
  requests: number,
): Promise<number> {
  let answered = 0;
  for (let index = 0; index < requests; index++) {
    const cookie = cookies.length === 0 ? undefined : cookies[index % cookies.length];
    const response = await fetch(`http://127.0.0.1:${port}${route.path}`, {
      method: route.method,
      headers: cookie === undefined ? {} : { cookie },
    });
    await response.arrayBuffer();
    if (response.ok) answered++;
  }
  return answered;
}

function perRequest(
  before: { wire?: WireCounts; local?: LocalIoCounts },
  after: { wire?: WireCounts; local?: LocalIoCounts },
  requests: number,
  syscalls: Record<string, number> | undefined,
): RouteOps {
  const per = (value: number): number => round(value / Math.max(1, requests));
  if (before.wire && after.wire) {
    return {
      kind: 'commands',
      roundTrips: per(after.wire.roundTrips - before.wire.roundTrips),
      operations: difference(before.wire.commands, after.wire.commands, requests),
      bytesSent: per(after.wire.bytesSent - before.wire.bytesSent),
      bytesReceived: per(after.wire.bytesReceived - before.wire.bytesReceived),
    };
  }
  if (after.local?.sqlite) {
    return {
      kind: 'sql statements',
      operations: difference(before.local?.sqlite ?? {}, after.local.sqlite, requests),
    };
  }
  return {
    kind: 'fs calls',
    operations: difference(before.local?.fs ?? {}, after.local?.fs ?? {}, requests),
    ...(syscalls && { syscalls: difference({}, syscalls, requests) }),
  };
}

function difference(
  before: Readonly<Record<string, number>>,
  after: Readonly<Record<string, number>>,
  requests: number,
): Record<string, number> {
  const perRequest: Record<string, number> = {};
  for (const [name, count] of Object.entries(after)) {
    const delta = count - (before[name] ?? 0);
    if (delta > 0) perRequest[name] = round(delta / Math.max(1, requests));
  }
  return perRequest;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Total operations per request of a route (fs calls, commands or statements). */
export function totalOperations(ops: RouteOps | undefined): number | undefined {
  if (!ops) return undefined;
  return round(Object.values(ops.operations).reduce((sum, count) => sum + count, 0));
}
