/** Where the store servers are, and where file-based stores keep their data. */
export interface Endpoints {
  readonly redisUrl: string;
  readonly valkeyUrl: string;
  readonly postgresUrl: string;
  readonly mariadbUrl: string;
  /**
   * On the project's machines this is jongodb, a MongoDB-compatible stand-in (`.ci/services/mongodb.sh`),
   * not MongoDB: the report says so when the server's `buildInfo` names it.
   */
  readonly mongodbUrl: string;
  /** A scratch directory for session files and SQLite databases, removed after the run. */
  readonly dataDir: string;
}

/** The variable of each endpoint; the runner passes them to the servers, which read them back. */
export const ENDPOINT_VARIABLES = {
  redisUrl: 'TINA4_BENCH_REDIS_URL',
  valkeyUrl: 'TINA4_BENCH_VALKEY_URL',
  postgresUrl: 'TINA4_BENCH_POSTGRES_URL',
  mariadbUrl: 'TINA4_BENCH_MARIADB_URL',
  mongodbUrl: 'TINA4_BENCH_MONGODB_URL',
  dataDir: 'TINA4_BENCH_DATA_DIR',
} as const satisfies Record<keyof Endpoints, string>;

const DEFAULTS = {
  redisUrl: 'redis://127.0.0.1:6379',
  valkeyUrl: 'redis://127.0.0.1:6380',
  postgresUrl: 'postgres://postgres@127.0.0.1:5432/test',
  mariadbUrl: 'mysql://root@127.0.0.1:3306/test',
  mongodbUrl: 'mongodb://127.0.0.1:27017',
};

export function endpointsFromEnv(env: NodeJS.ProcessEnv, dataDir?: string): Endpoints {
  const read = (key: keyof Endpoints): string | undefined => {
    const value = env[ENDPOINT_VARIABLES[key]]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const directory = dataDir ?? read('dataDir');
  if (directory === undefined) throw new Error(`${ENDPOINT_VARIABLES.dataDir} is not set.`);
  return {
    redisUrl: read('redisUrl') ?? DEFAULTS.redisUrl,
    valkeyUrl: read('valkeyUrl') ?? DEFAULTS.valkeyUrl,
    postgresUrl: read('postgresUrl') ?? DEFAULTS.postgresUrl,
    mariadbUrl: read('mariadbUrl') ?? DEFAULTS.mariadbUrl,
    mongodbUrl: read('mongodbUrl') ?? DEFAULTS.mongodbUrl,
    dataDir: directory,
  };
}

export function endpointsToEnv(endpoints: Endpoints): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, variable] of Object.entries(ENDPOINT_VARIABLES) as [keyof Endpoints, string][]) {
    env[variable] = endpoints[key];
  }
  return env;
}

/** The host and port of a URL (default port per scheme), for TCP checks and proxies. */
export function hostAndPort(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  const defaultPorts: Record<string, number> = {
    'redis:': 6379,
    'rediss:': 6379,
    'postgres:': 5432,
    'postgresql:': 5432,
    'mysql:': 3306,
    'mariadb:': 3306,
    'mongodb:': 27017,
  };
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port === '' ? (defaultPorts[parsed.protocol] ?? 0) : Number(parsed.port),
  };
}

/** The same URL pointing at another host and port (the store-operation counter's proxy). */
export function withHostAndPort(url: string, host: string, port: number): string {
  const parsed = new URL(url);
  parsed.hostname = host;
  parsed.port = String(port);
  return parsed.toString();
}
