/**
 * MongoDB session store for `@tina4/session-core`, on the official `mongodb` driver (6 or 7).
 * Chosen with `TINA4_SESSION_BACKEND=mongodb` (the core imports this package and calls
 * {@link createStoreFromConfig}), or created in code with {@link createMongoStore}.
 */
export { DEFAULT_CLIENT_OPTIONS } from './create-client.js';
export { decodeFieldName, encodeFieldName } from './field-names.js';
export { INSTALL_COMMAND } from './load-driver.js';
export {
  DEFAULT_COLLECTION,
  DEFAULT_DATABASE,
  DEFAULT_HOST,
  DEFAULT_PORT,
  type MongoConnectionSettings,
  mongoConnectionFromConfig,
} from './mongo-connection.js';
export type {
  LockDocument,
  MongoClientLike,
  MongoCollectionLike,
  MongoDbLike,
  SessionDocument,
} from './mongo-like-client.js';
export { createMongoStore, type MongoStoreOptions } from './mongo-store.js';
export { createStoreFromConfig } from './store-from-config.js';
