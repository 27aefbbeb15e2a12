import type { NearCacheEvent } from '../../src/index.js';

/** A client whose commands are counted: each `call` or `pexpire` is one round trip to the server. */
export interface CountedClient {
  call(command: string, args: (string | number)[]): Promise<unknown>;
  pexpire(key: string, milliseconds: number): Promise<number>;
}

/**
 * Counts the round trips a client makes, by wrapping its methods on the instance (the store reaches
 * the server through these only). `during(step)` answers how many `step` made. A script's source
 * sent after a `NOSCRIPT` reply (`EVAL`) is not counted: the server's script cache is not the
 * store's doing, and a test sharing the server may flush it at any time.
 */
export function countRoundTrips(client: CountedClient): {
  during(step: () => Promise<unknown>): Promise<number>;
} {
  let trips = 0;
  const call = client.call.bind(client);
  const pexpire = client.pexpire.bind(client);
  client.call = (command, args) => {
    if (command !== 'EVAL') trips++;
    return call(command, args);
  };
  client.pexpire = (key, milliseconds) => {
    trips++;
    return pexpire(key, milliseconds);
  };
  return {
    async during(step) {
      const before = trips;
      await step();
      return trips - before;
    },
  };
}

type EventOf<T extends NearCacheEvent['type']> = Extract<NearCacheEvent, { type: T }>;

/**
 * The events a near cache reports, to await instead of sleeping: `next(type)` resolves at the next
 * event of that type reported after the call (and `matching` it).
 */
export function nearCacheEvents(): {
  onEvent(event: NearCacheEvent): void;
  next<T extends NearCacheEvent['type']>(
    type: T,
    matching?: (event: EventOf<T>) => boolean,
  ): Promise<EventOf<T>>;
  readonly seen: NearCacheEvent[];
} {
  const seen: NearCacheEvent[] = [];
  const waiting = new Set<(event: NearCacheEvent) => boolean>();
  return {
    seen,
    onEvent(event) {
      seen.push(event);
      for (const waiter of waiting) if (waiter(event)) waiting.delete(waiter);
    },
    next(type, matching) {
      return new Promise((resolve) => {
        waiting.add((event) => {
          if (event.type !== type) return false;
          const typed = event as EventOf<typeof type>;
          if (matching && !matching(typed)) return false;
          resolve(typed);
          return true;
        });
      });
    },
  };
}
