import { randomBytes } from 'node:crypto';
import type { RedisLikeClient } from './redis-like-client.js';

/** The channel a RESP2 connection subscribes to for the invalidations redirected to it. */
export const INVALIDATION_CHANNEL = '__redis__:invalidate';

/** Connection events of an ioredis (or iovalkey) client. */
interface ConnectionEvents {
  /** `ready`, `close`, ... as ioredis reports them. */
  readonly status: string;
  on(event: 'ready' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: 'ready' | 'close', listener: () => void): unknown;
}

/** The connection that receives the invalidations: subscribed to {@link INVALIDATION_CHANNEL}. */
export interface InvalidationClient extends ConnectionEvents {
  call(command: string, args: (string | number)[]): Promise<unknown>;
  subscribe(channel: string): Promise<unknown>;
  /** RESP2 invalidation messages: the keys that changed, or null when the server was flushed. */
  on(event: 'messageBuffer', listener: (channel: Buffer, message: Buffer[] | Buffer | null) => void): unknown;
  on(event: 'ready' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  disconnect(): void;
}

/**
 * A client whose reads the server can track: a single connection (ioredis or iovalkey `Redis`,
 * neither Cluster nor Sentinel), which can open another connection to the same server.
 */
export interface TrackableClient extends RedisLikeClient, ConnectionEvents {
  duplicate(override: {
    connectionName: string;
    autoResubscribe: boolean;
    lazyConnect: boolean;
  }): InvalidationClient;
}

/** What the tracking tells the cache. */
export interface TrackingListener {
  /** Tracking is on: every read sent from now on is tracked. */
  trackingOn(invalidationClientId: number): void;
  /** Tracking may have lapsed (a connection dropped, or could not be set up): invalidations may be lost. */
  trackingLost(reason: string): void;
  /** These keys changed on the server; `null`: the server was flushed (every key). */
  invalidated(keys: readonly string[] | null): void;
}

/**
 * Server-assisted client-side caching over RESP2, which ioredis speaks: a second connection
 * subscribes to {@link INVALIDATION_CHANNEL}, and `CLIENT TRACKING on REDIRECT <its id> NOLOOP` on
 * the command connection makes the server send there the keys that change after this process read
 * them (default tracking: the server remembers the keys each connection read; NOLOOP: not the keys
 * this connection writes itself, which the store applies to its cache directly).
 *
 * Tracking is a property of a connection: when either connection drops, invalidations may be lost,
 * so the cache is told at once (and emptied), and tracking is set up again once both are back. Before
 * the redirect, the command connection checks that the id belongs to this store's own invalidation
 * connection (by its unique name) on the same server: after a restart, an id remembered from before
 * could belong to a stranger.
 */
export class ClientTracking {
  readonly #client: TrackableClient;
  readonly #listener: TrackingListener;
  readonly #subscriber: InvalidationClient;
  readonly #subscriberName = `tina4-session-invalidations-${randomBytes(6).toString('hex')}`;
  /** The invalidation connection's client id while it is connected and subscribed. */
  #subscriberId: number | undefined;
  /** Changes whenever the invalidation connection drops. */
  #subscriberConnection = 0;
  /** Changes whenever a connection drops: a setup begun before then no longer counts. */
  #epoch = 0;
  #on = false;
  #closed = false;
  /** Set-ups run one at a time (their commands must not interleave); a second request waits its turn. */
  #setup: Promise<void> = Promise.resolve();
  /** Why tracking could not be set up, when the server refused it (not when a connection is down). */
  #refusal: Error | undefined;

  constructor(client: TrackableClient, listener: TrackingListener) {
    this.#client = client;
    this.#listener = listener;
    this.#subscriber = client.duplicate({
      connectionName: this.#subscriberName,
      // Subscribing again is this class's job: it needs the connection's new id first.
      autoResubscribe: false,
      lazyConnect: false,
    });
    this.#subscriber.on('error', () => {});
    this.#subscriber.on('close', this.#subscriberLost);
    this.#subscriber.on('ready', this.#subscriberReady);
    this.#subscriber.on('messageBuffer', (channel, message) => {
      if (channel.toString() !== INVALIDATION_CHANNEL) return;
      if (message === null) listener.invalidated(null);
      else listener.invalidated((Array.isArray(message) ? message : [message]).map(String));
    });
    client.on('close', this.#commandLost);
    client.on('ready', this.#commandReady);
  }

  /** Whether the server tracks this process's reads right now. */
  get on(): boolean {
    return this.#on;
  }

  /** Why the server refused to track (an old server, an ACL without `CLIENT`), if it did. */
  get refusal(): Error | undefined {
    return this.#refusal;
  }

  /**
   * Stops listening and closes the invalidation connection. With `turnOff`, tracking of the client
   * (which stays open: it is the app's) is turned off, so that its later reads are not tracked.
   */
  async close(turnOff: boolean): Promise<void> {
    this.#closed = true;
    this.#lost('the store was closed');
    this.#client.removeListener('close', this.#commandLost);
    this.#client.removeListener('ready', this.#commandReady);
    this.#subscriber.disconnect();
    if (turnOff && this.#client.status === 'ready') {
      await this.#client.call('CLIENT', ['TRACKING', 'OFF']).catch(() => {});
    }
  }

  #lost(reason: string): void {
    this.#epoch++;
    const wasOn = this.#on;
    this.#on = false;
    if (wasOn) this.#listener.trackingLost(reason);
  }

  readonly #commandLost = (): void => this.#lost('the command connection dropped');

  readonly #commandReady = (): void => this.#requestSetup();

  readonly #subscriberLost = (): void => {
    this.#subscriberId = undefined;
    this.#subscriberConnection++;
    this.#lost('the invalidation connection dropped');
  };

  readonly #subscriberReady = (): void => {
    const subscriber = this.#subscriber;
    const connection = this.#subscriberConnection;
    // The id first: once subscribed, a RESP2 connection accepts nothing but (un)subscribing.
    void subscriber
      .call('CLIENT', ['ID'])
      .then(async (id) => {
        await subscriber.subscribe(INVALIDATION_CHANNEL);
        // Dropped meanwhile: its next `ready` starts again.
        if (this.#closed || this.#subscriberConnection !== connection) return;
        this.#subscriberId = Number(id);
        this.#requestSetup();
      })
      .catch(() => {
        // The connection dropped again; its next `ready` tries again.
      });
  };

  #requestSetup(): void {
    this.#setup = this.#setup.then(() => this.#setUp());
  }

  async #setUp(): Promise<void> {
    const id = this.#subscriberId;
    if (this.#closed || this.#on || id === undefined || this.#client.status !== 'ready') return;
    const epoch = this.#epoch;
    try {
      const owner = String(await this.#client.call('CLIENT', ['LIST', 'ID', id]));
      if (!owner.includes(` name=${this.#subscriberName} `)) return; // not ours: wait for our connection's `ready`
      await this.#client.call('CLIENT', ['TRACKING', 'ON', 'REDIRECT', id, 'NOLOOP']);
    } catch (error) {
      // An error reply (not a dropped connection, which is reported as a loss) is a refusal.
      if (this.#client.status === 'ready' && this.#epoch === epoch) this.#refusal = error as Error;
      return;
    }
    // Both connections stayed up from the check to the reply: every read sent after it is tracked.
    if (this.#closed || this.#epoch !== epoch || this.#subscriberId !== id) return;
    this.#refusal = undefined;
    this.#on = true;
    this.#listener.trackingOn(id);
  }
}
