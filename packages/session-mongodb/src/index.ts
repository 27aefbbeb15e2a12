/**
 * MongoDB session store for `@tina4/session-core`, on the official `mongodb` driver (6 or 7).
 * Chosen with `TINA4_SESSION_BACKEND=mongodb` (the core imports this package and calls
 * {@link createStoreFromConfig}), or created in code with {@link createMongoStore}.
 */
import type { SessionBackendModule } from '@tina4/session-core';
import { mongoSettingsFromConfig } from './mongo-settings.js';
import { createMongoStore } from './mongo-store.js';

export { clientDefaults, createMongoClient, DEFAULT_OPERATION_TIMEOUT_MS } from './create-mongo-client.js';
export { decodeFieldName, encodeFieldName } from './field-names.js';
export { loadMongoDriver, MONGODB, type MongoDriver } from './load-driver.js';
export type {
  LockDocument,
  MongoClientLike,
  MongoCollectionLike,
  MongoDbLike,
  MongoOperationOptions,
  SessionDocument,
} from './mongo-like-client.js';
export { DEFAULT_COLLECTION, DEFAULT_DATABASE, LOCKS_SUFFIX } from './mongo-names.js';
export {
  DEFAULT_HOST,
  DEFAULT_PORT,
  type MongoSettings,
  type MongoStoreSettings,
  mongoSettingsFromConfig,
} from './mongo-settings.js';
export { createMongoStore, describeMongoLocation, type MongoStoreOptions } from './mongo-store.js';

/**
 * The store for `TINA4_SESSION_BACKEND=mongodb`, which `@tina4/session-core` loads by name: reads
 * the settings (see {@link mongoSettingsFromConfig}), imports the driver and creates a client whose
 * waits are bounded by `TINA4_SESSION_STORE_TIMEOUT`. Configuration errors are thrown before
 * anything is imported or connected; the client connects on first use.
 */
export const createStoreFromConfig: SessionBackendModule['createStoreFromConfig'] = async (config) => {
  const { uri, clientOptions, database, collection, createIndexes } = mongoSettingsFromConfig(config);
  return createMongoStore({
    uri,
    clientOptions,
    database,
    collection,
    createIndexes,
    operationTimeoutMs: config.storeTimeoutMs,
  });
};
