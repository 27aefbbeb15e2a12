import type { MongoClientLike } from './mongo-like-client.js';

/**
 * A function that makes sure `client` has connected, connecting it on first use: an app may start
 * while MongoDB is down. It has to be explicit: when the driver's implicit connect (on a client's
 * first operation) fails, driver 6 and 7 leave the client closed, and every later operation fails
 * with `MongoTopologyClosedError` even once the server is up; `connect()` is what tries again.
 * A failure is not remembered: the next operation tries again. Once connected, the driver itself
 * follows the server through outages and restarts.
 */
export function connectOnFirstUse(client: MongoClientLike | undefined): () => Promise<void> {
  if (!client?.connect) return async () => {};
  const connectClient = client.connect.bind(client);
  let connected: Promise<void> | undefined;
  const connect = async (): Promise<void> => {
    try {
      await connectClient();
    } catch (error) {
      connected = undefined;
      throw error;
    }
  };
  return () => {
    connected ??= connect();
    return connected;
  };
}
