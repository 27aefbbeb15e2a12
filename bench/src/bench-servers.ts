import { primeSession } from './load.js';
import type { Scenario } from './scenarios.js';
import { ServerProcess } from './server-process.js';
import type { Variant } from './variants.js';

/** The primed sessions of a server, as cookies (`name=value`). */
export interface SessionCookies {
  /** A session per connection of the load generator (many users). */
  readonly perConnection: readonly string[];
  /** The one session every connection carries in the shared mode (one user's burst). */
  readonly shared: readonly string[];
  /** A 100 KB session per connection, for the large-session routes. */
  readonly large: readonly string[];
}

/** A running server of a variant and the session cookies its requests carry. */
export interface BenchServer {
  readonly server: ServerProcess;
  readonly cookies: SessionCookies;
}

/** The cookies the connections of a scenario carry: connection i gets cookies[i % n]. */
export function cookiesFor(cookies: SessionCookies, scenario: Scenario): readonly string[] {
  if (scenario.route.session === 'none') return [];
  if (scenario.route.session === 'large') return cookies.large;
  return scenario.mode === 'shared' ? cookies.shared : cookies.perConnection;
}

/** Creates the sessions the given scenarios need (none for the ceilings, which keep no sessions). */
export async function primeCookies(
  port: number,
  variant: Variant,
  scenarios: readonly Scenario[],
  connections: number,
): Promise<SessionCookies> {
  const needs = (test: (scenario: Scenario) => boolean): boolean =>
    variant.library !== 'bare' && scenarios.some(test);
  const prime = async (count: number, kind: 'small' | 'large'): Promise<string[]> => {
    const cookies: string[] = [];
    for (let index = 0; index < count; index++) cookies.push(await primeSession(port, kind));
    return cookies;
  };
  const small = (scenario: Scenario): boolean => scenario.route.session === 'small';
  return {
    perConnection: needs((s) => small(s) && s.mode === 'per-connection')
      ? await prime(connections, 'small')
      : [],
    shared: needs((s) => small(s) && s.mode === 'shared') ? await prime(1, 'small') : [],
    large: needs((s) => s.route.session === 'large') ? await prime(connections, 'large') : [],
  };
}

export interface StartOptions {
  readonly env: Record<string, string>;
  readonly connections: number;
  /** The scenarios each variant runs, for the sessions to prime. */
  readonly scenariosOf: (variant: Variant) => readonly Scenario[];
  readonly onStderr: (variant: Variant) => (line: string) => void;
}

/** How many servers start at once: each start compiles TypeScript, which is CPU-heavy. */
const STARTS_AT_ONCE = 3;

const NO_COOKIES: SessionCookies = { perConnection: [], shared: [], large: [] };

/**
 * Starts a server per variant and primes its sessions. A variant whose server or first session
 * fails is left out, with the reason in `failures`; a server that started is in `servers` either way,
 * so that it gets stopped.
 */
export async function startBenchServers(
  variants: readonly Variant[],
  options: StartOptions,
): Promise<{ servers: Map<string, BenchServer>; failures: Map<string, string> }> {
  const servers = new Map<string, BenchServer>();
  const failures = new Map<string, string>();
  for (let start = 0; start < variants.length; start += STARTS_AT_ONCE) {
    await Promise.all(
      variants.slice(start, start + STARTS_AT_ONCE).map(async (variant) => {
        try {
          const server = await ServerProcess.start(variant, {
            env: options.env,
            onStderr: options.onStderr(variant),
          });
          servers.set(variant.name, { server, cookies: NO_COOKIES });
          const cookies = await primeCookies(
            server.port,
            variant,
            options.scenariosOf(variant),
            options.connections,
          );
          servers.set(variant.name, { server, cookies });
        } catch (error) {
          failures.set(variant.name, reasonOf(error));
        }
      }),
    );
  }
  return { servers, failures };
}

export async function stopBenchServers(servers: Map<string, BenchServer>): Promise<void> {
  await Promise.all([...servers.values()].map(({ server }) => server.stop()));
}

/** The first line of an error's message: the reason a variant is not available. */
export function reasonOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'unknown';
}
