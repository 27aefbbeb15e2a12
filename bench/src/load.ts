import autocannon from 'autocannon';
import { LARGE_INIT_PATH, LARGE_SESSION, type Route } from './routes.js';

/** One measured run of one route. */
export interface LoadResult {
  /** Completed requests per second. */
  readonly rps: number;
  readonly requests: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  /** Connection errors and timeouts. */
  readonly errors: number;
  /** Responses that were not 2xx: a variant answering 503s must not look fast. */
  readonly non2xx: number;
  readonly durationSeconds: number;
}

export interface LoadOptions {
  readonly port: number;
  readonly route: Route;
  /** Session cookies (`name=value`): all connections share the first, or connection i uses cookies[i % n]. */
  readonly cookies: readonly string[];
  readonly connections: number;
  /** Either a duration (seconds, rounded up to the 250 ms sampling interval)... */
  readonly durationSeconds?: number;
  /** ...or a number of requests. */
  readonly amount?: number;
}

/**
 * autocannon ends a run on its sampling tick, so the sampling interval is short (250 ms) for runs
 * of about a second to last as long as asked.
 */
const SAMPLE_INTERVAL_MS = 250;

/** Runs the load generator (in this process) against a server on loopback. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { route, cookies } = options;
  const withCookie = route.session !== 'none';
  let clients = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${options.port}${route.path}`,
    method: route.method,
    headers: withCookie && cookies.length === 1 ? { cookie: cookies[0] } : {},
    ...(withCookie &&
      cookies.length > 1 && {
        setupClient: (client: autocannon.Client) =>
          client.setHeaders({ cookie: cookies[clients++ % cookies.length] }),
      }),
    connections: options.connections,
    ...(options.amount === undefined
      ? { duration: options.durationSeconds ?? 1 }
      : { amount: options.amount }),
    sampleInt: SAMPLE_INTERVAL_MS,
    timeout: 10,
  });
  const requests = result.requests.total;
  return {
    rps: result.duration > 0 ? requests / result.duration : 0,
    requests,
    p99Ms: result.latency.p99,
    meanMs: result.latency.mean,
    errors: result.errors,
    non2xx: result.non2xx,
    durationSeconds: result.duration,
  };
}

/**
 * Creates a session and returns its cookie (`name=value`), after checking that a read with it sees
 * what was stored: a variant that does not really keep sessions must fail here rather than be
 * measured. `small`: one `POST /write` (the counter at 1); `large`: `POST /large/init` (the 100 KB
 * session, counter at 0).
 */
export async function primeSession(port: number, kind: 'small' | 'large' = 'small'): Promise<string> {
  const path = kind === 'small' ? '/write' : LARGE_INIT_PATH;
  const written = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST' });
  const body = await written.text();
  if (written.status !== 200)
    throw new Error(`POST ${path} answered ${written.status}: ${body.slice(0, 200)}`);
  const cookie = written.headers.getSetCookie()[0]?.split(';')[0];
  if (!cookie) throw new Error(`POST ${path} set no cookie`);
  const readPath = kind === 'small' ? '/read' : '/large/read';
  const read = await fetch(`http://127.0.0.1:${port}${readPath}`, { headers: { cookie } });
  const seen = (await read.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  const expected = kind === 'small' ? { count: 1 } : { count: 0, filler: LARGE_SESSION.fillerLength };
  if (read.status !== 200 || JSON.stringify(seen) !== JSON.stringify(expected)) {
    throw new Error(
      `GET ${readPath} after POST ${path} answered ${read.status} ${JSON.stringify(seen)}, expected ${JSON.stringify(expected)}`,
    );
  }
  return cookie;
}

/** The counter the session holds now (to check after a run that the session was not lost). */
export async function readCount(port: number, cookie: string): Promise<number | undefined> {
  const response = await fetch(`http://127.0.0.1:${port}/read`, { headers: { cookie } });
  const body = (await response.json().catch(() => undefined)) as { count?: unknown } | undefined;
  return typeof body?.count === 'number' ? body.count : undefined;
}
