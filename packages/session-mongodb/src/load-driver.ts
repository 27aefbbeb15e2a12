import { SessionBackendNotInstalledError } from '@tina4/session-core';
import type { MongoClientLike } from './mongo-like-client.js';

/** What the store needs from the `mongodb` package: its client class. */
export interface MongoDriver {
  MongoClient: new (uri: string, options?: Record<string, unknown>) => MongoClientLike;
}

/** The command that installs what a MongoDB session store needs. */
export const INSTALL_COMMAND = 'npm install @tina4/session-mongodb mongodb';

/**
 * Imports the `mongodb` driver, only when the store has to create a client itself: an app that
 * passes its own client or `Db` never loads it through here. A missing driver becomes a
 * {@link SessionBackendNotInstalledError} that names the install command.
 *
 * @param specifier The module to import; a parameter so that tests can name one that is missing.
 */
export async function loadMongoDriver(specifier = 'mongodb'): Promise<MongoDriver> {
  let driver: Partial<MongoDriver> & { default?: Partial<MongoDriver> };
  try {
    driver = (await import(specifier)) as typeof driver;
  } catch (error) {
    if (isMissingModule(error, specifier)) {
      throw new SessionBackendNotInstalledError('mongodb', INSTALL_COMMAND, { cause: error });
    }
    throw error;
  }
  // The driver is CommonJS: depending on the loader its classes are named exports or on `default`.
  const MongoClient = driver.MongoClient ?? driver.default?.MongoClient;
  if (!MongoClient) {
    throw new SessionBackendNotInstalledError(
      'mongodb',
      `${INSTALL_COMMAND} (the installed "${specifier}" has no MongoClient)`,
    );
  }
  return { MongoClient };
}

function isMissingModule(error: unknown, specifier: string): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = (error as Error | undefined)?.message ?? '';
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(specifier);
}
