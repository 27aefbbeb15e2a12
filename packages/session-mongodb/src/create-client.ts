import { SessionConfigError } from '@tina4/session-core';
import { loadMongoDriver } from './load-driver.js';
import type { MongoClientLike } from './mongo-like-client.js';

/**
 * Client options the store applies when it creates the client, unless the URI or the app's own
 * options set them. The driver waits 30 s for a server by default; a session store that waits that
 * long turns an outage into hung requests, so an unreachable server fails a request within ~2 s
 * (a 503) instead.
 */
export const DEFAULT_CLIENT_OPTIONS: Readonly<Record<string, unknown>> = {
  serverSelectionTimeoutMS: 2000,
  connectTimeoutMS: 2000,
  appName: 'tina4-session',
};

/**
 * A new `MongoClient` for `uri`. It connects on its first operation, so a server that is down
 * at start-up costs requests a 503, not the app its start. Options: {@link DEFAULT_CLIENT_OPTIONS},
 * minus those the URI sets itself (the driver would let the object win over the URI), then
 * `options`.
 */
export async function createMongoClient(
  uri: string,
  options: Readonly<Record<string, unknown>> = {},
): Promise<MongoClientLike> {
  const { MongoClient } = await loadMongoDriver();
  try {
    const inUri = new Set(uriOptionNames(uri));
    const defaults = Object.entries(DEFAULT_CLIENT_OPTIONS).filter(
      ([name]) => !inUri.has(name.toLowerCase()),
    );
    return new MongoClient(uri, { ...Object.fromEntries(defaults), ...options });
  } catch (error) {
    // The URI may hold a password: say what is wrong without repeating it.
    const reason = error instanceof Error ? error.message.split(uri).join('<the URI>') : String(error);
    throw new SessionConfigError(
      `The MongoDB connection string (TINA4_SESSION_URL or the store's uri option) was rejected by the driver: ${reason}`,
    );
  }
}

/** The option names in a URI's query string, lower-cased (the driver treats them case-insensitively). */
function uriOptionNames(uri: string): string[] {
  const query = uri.includes('?') ? uri.slice(uri.indexOf('?') + 1) : '';
  return query
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => decodeURIComponent(pair.split('=')[0]!).toLowerCase());
}
