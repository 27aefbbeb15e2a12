import { type Endpoints, endpointsToEnv, hostAndPort, withHostAndPort } from '../endpoints.js';
import { primeSession, runLoad } from '../load.js';
import { ROUTES, type RoutePath } from '../routes.js';
import { ServerProcess } from '../server-process.js';
import type { LocalIoCounts } from '../servers/bench-server.js';
import { LOCAL_IO_ROUTE } from '../servers/bench-server.js';
import type { StoreKind, Variant } from '../variants.js';
import type { WireProtocol } from './command-decoder.js';
import { type WireCounts, WireProxy } from './wire-proxy.js';

/** Store operations per request of one route, averaged over the counted requests. */
export interface RouteOps {
  /** Round trips to a store server (network stores). */
  readonly roundTrips?: number;
  /** Commands, statements or fs calls per request, by name. */
  readonly operations: Record<string, number>;
  /** What `operations` counts. */
  readonly kind: 'commands' | 'sql statements' | 'fs calls';
}

export type VariantOps = Partial<Record<RoutePath, RouteOps>>;

/** Network stores: the endpoint the proxy stands in front of, and its protocol. */
const NETWORK_STORES: Partial<Record<StoreKind, { endpoint: keyof Endpoints; protocol: WireProtocol }>> = {
  redis: { endpoint: 'redisUrl', protocol: 'redis' },
  valkey: { endpoint: 'valkeyUrl', protocol: 'redis' },
  postgres: { endpoint: 'postgresUrl', protocol: 'postgres' },
  mariadb: { endpoint: 'mariadbUrl', protocol: 'mysql' },
  mongodb: { endpoint: 'mongodbUrl', protocol: 'mongodb' },
};

/** Whether the harness can count a store's operations (memory stores have none to count). */
export function isCountable(store: StoreKind | undefined): boolean {
  return store !== undefined && store !== 'memory';
}

/**
 * Counts the store operations per request of each route, in a server of its own started for this
 * (so that the timed servers are not slowed by a proxy or counters): network stores through a
 * counting proxy, the file stores by their `node:fs` calls, SQLite by its statements. Requests are
 * sent one at a time, so every operation belongs to the request in flight.
 */
export async function countStoreOps(
  variant: Variant,
  endpoints: Endpoints,
  requestsPerRoute: number,
  onStderr: (line: string) => void,
): Promise<VariantOps> {
  const network = variant.store === undefined ? undefined : NETWORK_STORES[variant.store];
  let proxy: WireProxy | undefined;
  let proxied = endpoints;
  if (network) {
    const url = endpoints[network.endpoint];
    if (url === undefined) throw new Error(`no URL for ${variant.store}`);
    proxy = await WireProxy.start(hostAndPort(url), network.protocol);
    proxied = { ...endpoints, [network.endpoint]: withHostAndPort(url, '127.0.0.1', proxy.port) };
  }
  let server: ServerProcess | undefined;
  try {
    server = await ServerProcess.start(variant, {
      env: endpointsToEnv(proxied),
      preload: variant.store === 'file' ? ['fs'] : variant.store === 'sqlite' ? ['sqlite'] : [],
      onStderr,
    });
    const port = server.port;
    const cookie = await primeSession(port);
    const snapshot = async (): Promise<{ wire?: WireCounts; local?: LocalIoCounts }> => {
      await new Promise((resolve) => setTimeout(resolve, 50)); // let writes after the response land
      if (proxy) return { wire: proxy.counts() };
      const response = await fetch(`http://127.0.0.1:${port}${LOCAL_IO_ROUTE}`);
      return { local: (await response.json()) as LocalIoCounts };
    };

    const result: VariantOps = {};
    // Reads first, while the session is as primed; writes last.
    for (const path of ['/read', '/nocookie', '/write'] as const) {
      const route = ROUTES.find((candidate) => candidate.path === path)!;
      const before = await snapshot();
      await runLoad({ port, route, cookies: [cookie], connections: 1, amount: requestsPerRoute });
      const after = await snapshot();
      result[path] = perRequest(before, after, requestsPerRoute);
    }
    return result;
  } finally {
    await server?.stop();
    await proxy?.close();
  }
}

function perRequest(
  before: { wire?: WireCounts; local?: LocalIoCounts },
  after: { wire?: WireCounts; local?: LocalIoCounts },
  requests: number,
): RouteOps {
  if (before.wire && after.wire) {
    return {
      kind: 'commands',
      roundTrips: round((after.wire.roundTrips - before.wire.roundTrips) / requests),
      operations: difference(before.wire.commands, after.wire.commands, requests),
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
    if (delta > 0) perRequest[name] = round(delta / requests);
  }
  return perRequest;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
