import { connect } from 'node:net';
import { type Endpoints, hostAndPort } from './endpoints.js';
import { type StoreKind, VARIANTS, type Variant } from './variants.js';

/** The endpoint each store kind needs reachable (the in-process stores need none). */
const STORE_ENDPOINT: Partial<Record<StoreKind, keyof Endpoints>> = {
  redis: 'redisUrl',
  valkey: 'valkeyUrl',
  postgres: 'postgresUrl',
  mariadb: 'mariadbUrl',
  mongodb: 'mongodbUrl',
};

/**
 * The variants to run: all of them, narrowed by `--only` tokens, which
 * are store kinds, frameworks or variant names. The bare ceilings always run: ratios need them.
 */
export function selectVariants(only: readonly string[] | undefined): Variant[] {
  const tokens = only ?? [];
  const frameworks: string[] = tokens.filter((token) => token === 'fastify' || token === 'express');
  const names = tokens.filter((token) => VARIANTS.some((variant) => variant.name === token));
  const stores = tokens.filter((token) => !frameworks.includes(token) && !names.includes(token));
  const knownStores = new Set<string | undefined>(VARIANTS.map((variant) => variant.store));
  const unknown = stores.filter((token) => !knownStores.has(token));
  if (unknown.length > 0) throw new Error(`--only: unknown ${unknown.join(', ')}. See --help.`);
  return VARIANTS.filter((variant) => {
    if (frameworks.length > 0 && !frameworks.includes(variant.framework)) return false;
    if (variant.library === 'bare' || tokens.length === 0 || names.includes(variant.name)) return true;
    if (stores.length > 0) return stores.includes(variant.store ?? '');
    return names.length === 0;
  });
}

/** Variant name -> why its store server cannot be reached, for the variants whose server does not answer. */
export async function unreachableStores(
  variants: readonly Variant[],
  endpoints: Endpoints,
): Promise<Map<string, string>> {
  const reasons = new Map<string, string>();
  const checked = new Map<keyof Endpoints, string | undefined>();
  for (const variant of variants) {
    const key = variant.store === undefined ? undefined : STORE_ENDPOINT[variant.store];
    if (key === undefined) continue;
    if (!checked.has(key)) {
      const url = endpoints[key];
      checked.set(key, url === undefined ? 'no URL' : await whyUnreachable(url));
    }
    const reason = checked.get(key);
    if (reason !== undefined) reasons.set(variant.name, reason);
  }
  return reasons;
}

/** Why a server cannot be reached, or undefined when it accepts a TCP connection. */
function whyUnreachable(url: string): Promise<string | undefined> {
  const { host, port } = hostAndPort(url);
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (reason: string | undefined): void => {
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(2000, () => done(`no answer from ${host}:${port}`));
    socket.once('connect', () => done(undefined));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done(`cannot connect to ${host}:${port} (${error.code})`),
    );
  });
}
