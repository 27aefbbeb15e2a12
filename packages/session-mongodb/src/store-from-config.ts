import type { SessionConfig, SessionStore } from '@tina4/session-core';
import { mongoConnectionFromConfig } from './mongo-connection.js';
import { createMongoStore } from './mongo-store.js';

/**
 * The store for `TINA4_SESSION_BACKEND=mongodb`, called by the core's `createStore` after it
 * imported this package. Settings are described in {@link mongoConnectionFromConfig}; the store
 * creates its own client (and closes it in `close()`).
 */
export function createStoreFromConfig(config: SessionConfig): Promise<SessionStore> {
  const { uri, clientOptions, database, collection } = mongoConnectionFromConfig(config);
  return createMongoStore({ uri, clientOptions, database, collection });
}
