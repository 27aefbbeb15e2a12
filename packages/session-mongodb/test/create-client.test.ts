import { createServer } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import {
  createSessionManager,
  generateSessionId,
  resolveSessionConfig,
  SessionBackendNotInstalledError,
  SessionConfigError,
  SessionStoreUnavailableError,
} from '@tina4/session-core';
import { MongoClient } from 'mongodb';
import { createMongoClient } from '../src/create-client.js';
import { loadMongoDriver } from '../src/load-driver.js';
import type { MongoClientLike, MongoCollectionLike, MongoDbLike } from '../src/mongo-like-client.js';
import { createMongoStore } from '../src/mongo-store.js';
import { createStoreFromConfig } from '../src/store-from-config.js';

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
  it('gets a short server-selection timeout and an app name by default', async () => {
    const client = await createMongoClient('mongodb://127.0.0.1:27017/');
    expect(optionsOf(client)).toMatchObject({
      serverSelectionTimeoutMS: 2000,
      connectTimeoutMS: 2000,
      appName: 'tina4-session',
    });
    await client.close();
  });

  it('keeps options the URI sets, and options given in code win over both', async () => {
    const fromUri = await createMongoClient('mongodb://h/?serverSelectionTimeoutMS=9000&APPNAME=shop');
    expect(optionsOf(fromUri)).toMatchObject({
      serverSelectionTimeoutMS: 9000,
      appName: 'shop',
      connectTimeoutMS: 2000,
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

  it('a missing driver is a SessionBackendNotInstalledError with the install command', async () => {
    const attempt = loadMongoDriver('mongodb-driver-that-is-not-installed');
    await expect(attempt).rejects.toBeInstanceOf(SessionBackendNotInstalledError);
    await expect(attempt).rejects.toThrow('npm install @tina4/session-mongodb mongodb');
  });

  it('createMongoStore needs exactly one of client, db or uri', async () => {
    await expect(createMongoStore({})).rejects.toThrow(/exactly one of client, db or uri/);
    await expect(createMongoStore({ uri: 'mongodb://h/', db: asDb })).rejects.toThrow(/got db and uri/);
  });
});

describe('an unreachable MongoDB server (a closed local port, real sockets)', () => {
  it('fails a store operation within a few seconds, and close() still resolves', async () => {
    const port = await closedPort();
    const store = await createStoreFromConfig(
      resolveSessionConfig({
        backend: 'mongodb',
        envFile: false,
        env: { TINA4_SESSION_PORT: String(port) },
      }),
    );
    const startedAt = Date.now();
    await expect(store.read('0'.repeat(64))).rejects.toThrow(/ECONNREFUSED|Server selection timed out/);
    expect(Date.now() - startedAt).toBeLessThan(5000);
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
    await expect(manager.load(`tina4_session=${generateSessionId()}`)).rejects.toBeInstanceOf(
      SessionStoreUnavailableError,
    );
    await manager.close();
  });
});

await driverClient.close();
