import { type ImportModule, importOptional, type OptionalModule } from '@tina4/session-core';
import type { MongoClientLike } from './mongo-like-client.js';

/** What the store needs from the `mongodb` package: its client class. */
export interface MongoDriver {
  MongoClient: new (uri: string, options?: Record<string, unknown>) => MongoClientLike;
}

/** The driver of the MongoDB backend, and what to install when it is missing. */
export const MONGODB: OptionalModule = {
  specifier: 'mongodb',
  backend: 'mongodb',
  installCommand: 'npm install @tina4/session-mongodb mongodb',
};

/** Imports from this package's location, where its peer dependency (mongodb) resolves. */
const importHere: ImportModule = (specifier) => import(specifier);

/**
 * The `mongodb` driver, imported only when the store has to create a client itself: an app that
 * passes its own client or `Db` never loads it through here. A driver that is not installed
 * becomes a `SessionBackendNotInstalledError` naming the install command.
 */
export async function loadMongoDriver(
  driver: OptionalModule = MONGODB,
  load: ImportModule = importHere,
): Promise<MongoDriver> {
  const module = await importOptional<Partial<MongoDriver>>(driver, load);
  if (typeof module.MongoClient !== 'function') {
    throw new TypeError(`${driver.specifier} does not export the MongoClient class this store expects.`);
  }
  return { MongoClient: module.MongoClient };
}
