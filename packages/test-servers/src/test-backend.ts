import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONTAINER_IMAGES } from './container-images.js';

/** The servers that store tests run against. */
export type BackendName = 'redis' | 'valkey' | 'postgres' | 'mariadb' | 'firebird' | 'mssql' | 'mongodb';

/** A server to test against (stop it when done), or why there is none. */
export type TestBackend = { url: string; stop(): Promise<void> } | { skip: string };

/** The variable that points the tests of each backend at a running server. */
export const TEST_BACKEND_URL_VARIABLES: Readonly<Record<BackendName, string>> = {
  redis: 'TINA4_TEST_REDIS_URL',
  valkey: 'TINA4_TEST_VALKEY_URL',
  postgres: 'TINA4_TEST_POSTGRES_URL',
  mariadb: 'TINA4_TEST_MARIADB_URL',
  firebird: 'TINA4_TEST_FIREBIRD_URL',
  mssql: 'TINA4_TEST_MSSQL_URL',
  mongodb: 'TINA4_TEST_MONGODB_URL',
};

/**
 * A server for the tests of `name`: the URL in `TINA4_TEST_<NAME>_URL` when set, else a container
 * of the image pinned in {@link CONTAINER_IMAGES} when a container runtime answers, else
 * `{ skip: reason }` (printed with `console.warn` so that it shows in the test output).
 *
 * A backend listed in `TINA4_TEST_REQUIRE` (comma-separated, as CI sets it for the servers it
 * starts) must be there: its skip throws instead, so that a missing server fails the run rather
 * than passing it with no test run.
 */
export async function provideTestBackend(name: BackendName): Promise<TestBackend> {
  const variable = TEST_BACKEND_URL_VARIABLES[name];
  const url = process.env[variable]?.trim();
  if (url) return { url, stop: async () => {} };

  const started = await startContainer(name);
  if ('url' in started) return started;

  const reason = `${variable} is not set and ${started.skip}`;
  if (isRequired(name)) {
    throw new Error(
      `The ${name} tests must run (TINA4_TEST_REQUIRE=${process.env.TINA4_TEST_REQUIRE}) but ${reason}.`,
    );
  }
  console.warn(`[test-servers] skipping the ${name} tests: ${reason}.`);
  return { skip: reason };
}

/** Whether `TINA4_TEST_REQUIRE` lists `name`: its tests must run, a skip is a failure. */
export function isRequired(name: BackendName): boolean {
  const listed = (process.env.TINA4_TEST_REQUIRE ?? '').split(',').map((entry) => entry.trim().toLowerCase());
  return listed.includes(name);
}

// The few parts of testcontainers used here, described structurally: the harness must load (and
// type-check) in packages that do not install it.
interface StartedContainer {
  getHost(): string;
  getMappedPort(port: number): number;
  stop(): Promise<unknown>;
}
interface ContainerBuilder<Started extends StartedContainer = StartedContainer> {
  withExposedPorts(...ports: number[]): this;
  withEnvironment(environment: Record<string, string>): this;
  withWaitStrategy(strategy: unknown): this;
  withStartupTimeout(ms: number): this;
  start(): Promise<Started>;
}
interface TestcontainersModule {
  GenericContainer: new (image: string) => ContainerBuilder;
  Wait: { forLogMessage(message: string | RegExp, times?: number): unknown };
  getContainerRuntimeClient(): Promise<unknown>;
}

type Recipe = (testcontainers: TestcontainersModule) => Promise<TestBackend>;

const STARTUP_TIMEOUT_MS = 180_000;

/** How to start each backend and spell its URL. @testcontainers modules are used where they exist. */
const RECIPES: Record<BackendName, Recipe> = {
  async redis() {
    const module = await importFromTestedPackage<{
      RedisContainer: new (
        image: string,
      ) => ContainerBuilder<StartedContainer & { getConnectionUrl(): string }>;
    }>('@testcontainers/redis');
    if (!module) return missingModule('@testcontainers/redis');
    const container = await new module.RedisContainer(CONTAINER_IMAGES.redis)
      .withStartupTimeout(STARTUP_TIMEOUT_MS)
      .start();
    return running(container, container.getConnectionUrl());
  },

  async valkey({ GenericContainer, Wait }) {
    const container = await new GenericContainer(CONTAINER_IMAGES.valkey)
      .withExposedPorts(6379)
      .withWaitStrategy(Wait.forLogMessage('Ready to accept connections'))
      .withStartupTimeout(STARTUP_TIMEOUT_MS)
      .start();
    return running(container, `redis://${container.getHost()}:${container.getMappedPort(6379)}`);
  },

  async postgres() {
    const module = await importFromTestedPackage<{
      PostgreSqlContainer: new (
        image: string,
      ) => ContainerBuilder<StartedContainer & { getConnectionUri(): string }> & {
        withDatabase(name: string): ContainerBuilder<StartedContainer & { getConnectionUri(): string }>;
      };
    }>('@testcontainers/postgresql');
    if (!module) return missingModule('@testcontainers/postgresql');
    const container = await new module.PostgreSqlContainer(CONTAINER_IMAGES.postgres)
      .withDatabase('test')
      .withStartupTimeout(STARTUP_TIMEOUT_MS)
      .start();
    return running(container, container.getConnectionUri());
  },

  async mariadb({ GenericContainer, Wait }) {
    const container = await new GenericContainer(CONTAINER_IMAGES.mariadb)
      .withExposedPorts(3306)
      .withEnvironment({ MARIADB_ALLOW_EMPTY_ROOT_PASSWORD: '1', MARIADB_DATABASE: 'test' })
      // The image's entrypoint first runs a temporary server without networking ("port: 0").
      .withWaitStrategy(Wait.forLogMessage(/ready for connections.*port: 3306/s))
      .withStartupTimeout(STARTUP_TIMEOUT_MS)
      .start();
    return running(container, `mysql://root@${container.getHost()}:${container.getMappedPort(3306)}/test`);
  },

  async firebird({ GenericContainer }) {
    const container = await new GenericContainer(CONTAINER_IMAGES.firebird)
      .withExposedPorts(3050)
      .withEnvironment({
        FIREBIRD_ROOT_PASSWORD: 'masterkey',
        FIREBIRD_DATABASE: 'test.fdb',
        FIREBIRD_DATABASE_DEFAULT_CHARSET: 'UTF8',
      })
      .withStartupTimeout(STARTUP_TIMEOUT_MS)
      .start();
    const address = `${container.getHost()}:${container.getMappedPort(3050)}`;
    return running(container, `firebird://SYSDBA:masterkey@${address}//var/lib/firebird/data/test.fdb`);
  },

  async mssql() {
    type Started = StartedContainer & {
      getUsername(): string;
      getPassword(): string;
      getDatabase(): string;
      getPort(): number;
    };
    const module = await importFromTestedPackage<{
      MSSQLServerContainer: new (
        image: string,
      ) => ContainerBuilder<Started> & { acceptLicense(): ContainerBuilder<Started> };
    }>('@testcontainers/mssqlserver');
    if (!module) return missingModule('@testcontainers/mssqlserver');
    const container = await new module.MSSQLServerContainer(CONTAINER_IMAGES.mssql)
      .acceptLicense()
      .withStartupTimeout(STARTUP_TIMEOUT_MS)
      .start();
    const credentials = `${encodeURIComponent(container.getUsername())}:${encodeURIComponent(container.getPassword())}`;
    const address = `${container.getHost()}:${container.getPort()}`;
    return running(
      container,
      `mssql://${credentials}@${address}/${encodeURIComponent(container.getDatabase())}`,
    );
  },

  async mongodb() {
    const module = await importFromTestedPackage<{
      MongoDBContainer: new (
        image: string,
      ) => ContainerBuilder<StartedContainer & { getConnectionString(): string }>;
    }>('@testcontainers/mongodb');
    if (!module) return missingModule('@testcontainers/mongodb');
    const container = await new module.MongoDBContainer(CONTAINER_IMAGES.mongodb)
      .withStartupTimeout(STARTUP_TIMEOUT_MS)
      .start();
    return running(container, container.getConnectionString());
  },
};

async function startContainer(name: BackendName): Promise<TestBackend> {
  // Loaded only now: a run with URLs for every backend never pays for (or needs) testcontainers.
  const testcontainers = await importFromTestedPackage<TestcontainersModule>('testcontainers');
  if (!testcontainers) return missingModule('testcontainers');
  try {
    await testcontainers.getContainerRuntimeClient();
  } catch (error) {
    return { skip: `no container runtime answers (${messageOf(error)})` };
  }
  try {
    return await RECIPES[name](testcontainers);
  } catch (error) {
    return { skip: `its container (${CONTAINER_IMAGES[name]}) did not start: ${messageOf(error)}` };
  }
}

function running(container: StartedContainer, url: string): TestBackend {
  return {
    url,
    async stop() {
      await container.stop();
    },
  };
}

function missingModule(name: string): TestBackend {
  return { skip: `${name} is not installed in the package under test (add it to its devDependencies)` };
}

/**
 * Imports a module as the package under test (the working directory Jest runs in) would resolve
 * it, or resolves `undefined` when that package does not have it. Container modules are that
 * package's devDependencies, not this suite's, and pnpm does not let this package see them.
 */
async function importFromTestedPackage<T>(specifier: string): Promise<T | undefined> {
  for (const base of [join(process.cwd(), 'package.json'), import.meta.url]) {
    let resolved: string;
    try {
      resolved = createRequire(base).resolve(specifier);
    } catch {
      continue;
    }
    const namespace = (await import(pathToFileURL(resolved).href)) as { default?: unknown };
    // These packages are CommonJS: their `module.exports` (the default export) has every name.
    return (
      typeof namespace.default === 'object' && namespace.default !== null ? namespace.default : namespace
    ) as T;
  }
  return undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Skips (with a warning in the test output) tests that need something missing here, such as the
 * redis-server binary, unless CI requires `backend` (`TINA4_TEST_REQUIRE`): then it throws.
 */
export function skipOrFail(backend: BackendName, reason: string): void {
  if (isRequired(backend))
    throw new Error(`The ${backend} tests must run (TINA4_TEST_REQUIRE) but ${reason}.`);
  console.warn(`[${backend} tests] skipping: ${reason}.`);
}
