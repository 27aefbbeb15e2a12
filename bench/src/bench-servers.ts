import { primeSession } from './load.js';
import { ServerProcess } from './server-process.js';
import type { Variant } from './variants.js';

/** A running server of a variant and the session cookies its requests carry. */
export interface BenchServer {
  readonly server: ServerProcess;
  /** One cookie (all connections share the session) or one per connection; none for the ceilings. */
  readonly cookies: readonly string[];
}

export interface StartOptions {
  readonly env: Record<string, string>;
  /** Sessions to prime per variant with sessions. */
  readonly sessions: number;
  readonly onStderr: (variant: Variant) => (line: string) => void;
}

/** How many servers start at once: each start compiles TypeScript, which is CPU-heavy. */
const STARTS_AT_ONCE = 3;

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
          servers.set(variant.name, { server, cookies: [] });
          const cookies: string[] = [];
          const sessions = variant.library === 'bare' ? 0 : options.sessions;
          for (let index = 0; index < sessions; index++) cookies.push(await primeSession(server.port));
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
