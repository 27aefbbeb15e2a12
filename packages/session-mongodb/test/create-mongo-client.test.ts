import { createServer } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import {
  createSessionManager,
  generateSessionId,
  isSessionError,
  RequestSession,
  resolveSessionConfig,
  SessionConfigError,
} from '@tina4/session-core';
import { MongoClient } from 'mongodb';
import {
  clientDefaults,
  createMongoClient,
  createMongoStore,
  createStoreFromConfig,
  loadMongoDriver,
  MONGODB,
  type MongoClientLike,
  type MongoCollectionLike,
  type MongoDbLike,
} from '../src/index.js';

// Compile-time check: the driver's own classes fit the structural interfaces the store accepts.
const driverClient = new MongoClient('mongodb://127.0.0.1:1/');
const asClient: MongoClientLike = driverClient;
const asDb: MongoDbLike = driverClient.db('x');
const asCollection: MongoCollectionLike = driverClient.db('x').collection('y');
void [asClient, asDb, asCollection];

/** The options a driver client ended up with (after merging URI and object options). */
const optionsOf = (client: MongoClientLike) =>
  (client as unknown as { options: Record<string, unknown> }).options;

/** A local port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the client the store creates', () => {
  it("bounds every wait for the server by the store's deadline, and names the app", async () => {
    const client = await createMongoClient('mongodb://127.0.0.1:27017/');
    expect(optionsOf(client)).toMatchObject({
      serverSelectionTimeoutMS: 2000,
      connectTimeoutMS: 2000,
      socketTimeoutMS: 2000,
      appName: 'tina4-session',
    });
    await client.close();
  });

  it('takes the timeouts from the deadline it is given (TINA4_SESSION_STORE_TIMEOUT for a configured store)', async () => {
    expect(clientDefaults(750)).toEqual({
      serverSelectionTimeoutMS: 750,
      connectTimeoutMS: 750,
      socketTimeoutMS: 750,
      appName: 'tina4-session',
    });
    const client = await createMongoClient('mongodb://127.0.0.1:27017/', {}, 750);
    expect(optionsOf(client)).toMatchObject({ serverSelectionTimeoutMS: 750, socketTimeoutMS: 750 });
    await client.close();
  });

  it('keeps options the URI sets, and options given in code win over both', async () => {
    const fromUri = await createMongoClient('mongodb://h/?serverSelectionTimeoutMS=9000&APPNAME=shop');
    expect(optionsOf(fromUri)).toMatchObject({
      serverSelectionTimeoutMS: 9000,
      appName: 'shop',
      connectTimeoutMS: 2000,
      socketTimeoutMS: 2000,
    });
    const fromCode = await createMongoClient('mongodb://h/?serverSelectionTimeoutMS=9000', {
      serverSelectionTimeoutMS: 500,
    });
    expect(optionsOf(fromCode)).toMatchObject({ serverSelectionTimeoutMS: 500 });
    await Promise.all([fromUri.close(), fromCode.close()]);
  });

  it('turns a connection string the driver rejects into a SessionConfigError that does not show the password', async () => {
    const attempt = createMongoClient('mongodb://app:very-secret@h:27017/?replicaSet=');
    await expect(attempt).rejects.toBeInstanceOf(SessionConfigError);
    await expect(attempt).rejects.toThrow(/rejected by the driver/);
    await expect(attempt).rejects.not.toThrow(/very-secret/);
  });

  it('createMongoStore needs exactly one of client, db or uri', async () => {
    await expect(createMongoStore({})).rejects.toThrow(/exactly one of client, db or uri/);
    await expect(createMongoStore({ uri: 'mongodb://h/', db: asDb })).rejects.toThrow(/got db and uri/);
  });
});

describe('loading the driver', () => {
  it('gives the MongoClient class of the installed driver', async () => {
    expect((await loadMongoDriver()).MongoClient).toBe(MongoClient);
  });

  it('turns a driver that is not installed into SessionBackendNotInstalledError with the install command', async () => {
    // A real import of a package that is not there, as when an app forgot `npm install mongodb`.
    const attempt = loadMongoDriver({ ...MONGODB, specifier: 'mongodb-driver-that-is-not-installed' });
    await expect(attempt).rejects.toMatchObject({
      code: 'E_SESSION_BACKEND_NOT_INSTALLED',
      backend: 'mongodb',
      installCommand: 'npm install @tina4/session-mongodb mongodb',
      message: expect.stringContaining('Run: npm install @tina4/session-mongodb mongodb'),
    });
    expect(isSessionError(await attempt.catch((error: unknown) => error))).toBe(true);
  });

  it('rejects a module without the MongoClient class', async () => {
    await expect(loadMongoDriver({ ...MONGODB, specifier: 'node:os' })).rejects.toThrow(
      'node:os does not export the MongoClient class',
    );
  });
});

describe('an unreachable MongoDB server (a closed local port, real sockets)', () => {
  it('fails a store operation within the deadline, and close() still resolves', async () => {
    const port = await closedPort();
    const store = await createStoreFromConfig(
      resolveSessionConfig({
        backend: 'mongodb',
        envFile: false,
        env: { TINA4_SESSION_PORT: String(port), TINA4_SESSION_STORE_TIMEOUT: '1000' },
      }),
    );
    const startedAt = Date.now();
    await expect(store.read('0'.repeat(64))).rejects.toThrow(/ECONNREFUSED|did not answer|timed out/);
    expect(Date.now() - startedAt).toBeLessThan(1500);
    await store.close();
  });

  it('reaches the app as SessionStoreUnavailableError (the adapters answer 503)', async () => {
    const port = await closedPort();
    const manager = await createSessionManager({
      store: await createMongoStore({ uri: `mongodb://127.0.0.1:${port}/` }),
      envFile: false,
      env: {},
      logger: { warn() {}, error() {} },
    });
    const cookie = `tina4_session=${generateSessionId()}`;
    await expect((async () => RequestSession.begin(manager, cookie, false))()).rejects.toMatchObject({
      code: 'E_SESSION_STORE_UNAVAILABLE',
    });
    await manager.close();
  });
});

await driverClient.close();
