/** The web frameworks measured; each has a server file in `servers/`. */
export type Framework = 'fastify' | 'express';

/** Where session records live. */
export type StoreKind =
  | 'memory'
  | 'file'
  | 'redis'
  | 'valkey'
  | 'sqlite'
  | 'postgres'
  | 'mariadb'
  | 'mongodb';

/**
 * What handles sessions: nothing (the ceiling), this project, or the library people use today on
 * that framework (`@fastify/session` or `express-session`) with a store from the npm ecosystem.
 */
export type SessionLibrary = 'bare' | 'tina4' | 'anchor';

export interface Variant {
  /** Unique name, used on the command line (`--only`) and in the results. */
  readonly name: string;
  readonly framework: Framework;
  readonly library: SessionLibrary;
  /** Undefined for the bare ceilings. */
  readonly store: StoreKind | undefined;
  /** A short human label for tables, e.g. "@fastify/session + connect-redis". */
  readonly label: string;
  /** `@fastify/session`'s `rolling` option (default true: every response re-saves the session). */
  readonly rolling?: boolean;
  /** The Redis store's near cache (sessions kept in memory, invalidated by the server). */
  readonly nearCache?: boolean;
}

/** The anchor a Tina4 variant is compared with, and the ceiling every variant is compared with. */
export interface Comparison {
  readonly anchor: Variant | undefined;
  readonly ceiling: Variant;
}

const TINA4_STORES: readonly StoreKind[] = [
  'memory',
  'file',
  'redis',
  'valkey',
  'sqlite',
  'postgres',
  'mariadb',
  'mongodb',
];

const SESSION_PACKAGE: Record<Framework, string> = {
  fastify: '@fastify/session',
  express: 'express-session',
};

/** The ecosystem store each anchor uses, per store kind. */
const ANCHOR_STORES: Partial<Record<StoreKind, string>> = {
  memory: 'MemoryStore',
  file: 'session-file-store',
  redis: 'connect-redis',
  postgres: 'connect-pg-simple',
  mongodb: 'connect-mongo',
};

function tina4Label(store: StoreKind): string {
  return `tina4 ${store}`;
}

function buildVariants(): Variant[] {
  const variants: Variant[] = [];
  for (const framework of ['fastify', 'express'] as const) {
    variants.push({
      name: `${framework}-bare`,
      framework,
      library: 'bare',
      store: undefined,
      label: `bare ${framework}`,
    });
    for (const store of TINA4_STORES) {
      variants.push({
        name: `${framework}-tina4-${store}`,
        framework,
        library: 'tina4',
        store,
        label: tina4Label(store),
      });
      if (framework === 'fastify' && store === 'redis') {
        variants.push({
          name: 'fastify-tina4-redis-nearcache',
          framework,
          library: 'tina4',
          store,
          nearCache: true,
          label: 'tina4 redis, near cache',
        });
      }
    }
    for (const [store, storePackage] of Object.entries(ANCHOR_STORES) as [StoreKind, string][]) {
      variants.push({
        name: `${framework}-anchor-${store}`,
        framework,
        library: 'anchor',
        store,
        label: `${SESSION_PACKAGE[framework]} + ${storePackage}`,
      });
    }
    if (framework === 'fastify') {
      // @fastify/session saves the session on every response by default (rolling: true); the
      // issue's target is against that default, this row shows the non-rolling setting beside it.
      variants.push({
        name: 'fastify-anchor-redis-norolling',
        framework,
        library: 'anchor',
        store: 'redis',
        rolling: false,
        label: '@fastify/session + connect-redis, rolling: false',
      });
    }
  }
  return variants;
}

/** Every variant the harness knows, in the order tables list them. */
export const VARIANTS: readonly Variant[] = buildVariants();

export function findVariant(name: string): Variant {
  const variant = VARIANTS.find((candidate) => candidate.name === name);
  if (!variant) {
    throw new Error(`Unknown variant "${name}". Known: ${VARIANTS.map((v) => v.name).join(', ')}.`);
  }
  return variant;
}

/**
 * The anchor of a Tina4 variant is the ecosystem library on the same framework and the same kind of
 * store (with @fastify/session's default settings); anchors and ceilings have none.
 */
export function comparisonOf(variant: Variant): Comparison {
  const ceiling = findVariant(`${variant.framework}-bare`);
  if (variant.library !== 'tina4' || variant.store === undefined) return { anchor: undefined, ceiling };
  const anchor = VARIANTS.find(
    (candidate) =>
      candidate.library === 'anchor' &&
      candidate.framework === variant.framework &&
      candidate.store === variant.store &&
      candidate.rolling === undefined,
  );
  return { anchor, ceiling };
}
