import { SessionConfigError } from '@tina4/session-core';
import { loadMongoDriver } from './load-driver.js';
import type { MongoClientLike } from './mongo-like-client.js';

/** How long one store operation may wait for the server by default (`TINA4_SESSION_STORE_TIMEOUT`). */
export const DEFAULT_OPERATION_TIMEOUT_MS = 2000;

/**
 * The options the store gives a client it creates, unless the URI or the app's own options set
 * them: every wait for the server is bounded by the store's deadline (the driver's defaults are
 * 30 s to select a server and no socket timeout at all, which would turn an outage or a hung
 * server into hung requests).
 */
export function clientDefaults(timeoutMs: number): Readonly<Record<string, unknown>> {
  return {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    socketTimeoutMS: timeoutMs,
    appName: 'tina4-session',
  };
}

/**
 * A new `MongoClient` for `uri`. It connects on its first operation, so a server that is down at
 * start-up costs requests a 503, not the app its start. Options: {@link clientDefaults} minus those
 * the URI sets itself (the driver would let the object win over the URI), then `options`.
 */
export async function createMongoClient(
  uri: string,
  options: Readonly<Record<string, unknown>> = {},
  timeoutMs = DEFAULT_OPERATION_TIMEOUT_MS,
): Promise<MongoClientLike> {
  const { MongoClient } = await loadMongoDriver();
  try {
    const inUri = new Set(uriOptionNames(uri));
    const defaults = Object.entries(clientDefaults(timeoutMs)).filter(
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
