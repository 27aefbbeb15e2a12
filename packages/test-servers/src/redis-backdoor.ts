import { randomUUID } from 'node:crypto';
import type { StoreBackdoor } from '@tina4/session-core/testing';

/** The commands the back door sends: an ioredis/iovalkey `Redis` connected to one server. */
export interface RawRedis {
  hgetall(key: string): Promise<Record<string, string>>;
  pttl(key: string): Promise<number>;
  type(key: string): Promise<string>;
  get(key: string): Promise<string | null>;
  del(...keys: string[]): Promise<number>;
  scan(
    cursor: string,
    match: 'MATCH',
    pattern: string,
    count: 'COUNT',
    size: number,
  ): Promise<[string, string[]]>;
}

/** Where the back door reads: the client for single keys, and every server that may hold keys. */
export interface BackdoorTarget {
  /** Routes single-key commands (a `Redis`, or a `Cluster` which routes by slot). */
  readonly keys: Pick<RawRedis, 'hgetall' | 'pttl' | 'type' | 'get' | 'del'>;
  /** The servers to SCAN (one for a standalone server; every master of a cluster). */
  servers(): RawRedis[];
}

/** A key prefix of its own for one test file, so that it never sees another run's keys. */
export function uniquePrefix(label: string): string {
  return `tina4test:${label}:${randomUUID().slice(0, 8)}:`;
}

/** The session hash of `key` as the store names it (see the README's data model). */
export const sessionHashKey = (prefix: string, key: string): string => `${prefix}{${key}}`;

/**
 * Reads what the store really keeps, with a raw client: HGETALL and PTTL for one session, SCAN
 * over the prefix for the dump. The empty-named marker field is the store's own bookkeeping.
 */
export function redisBackdoor(prefix: string, target: BackdoorTarget): StoreBackdoor {
  return {
    async fields(key) {
      const hash = await target.keys.hgetall(sessionHashKey(prefix, key));
      if (Object.keys(hash).length === 0) return undefined;
      const { '': _marker, ...fields } = hash;
      return fields;
    },
    async ttlMs(key) {
      const ttl = await target.keys.pttl(sessionHashKey(prefix, key));
      if (ttl === -2) return undefined;
      return ttl === -1 ? Number.POSITIVE_INFINITY : ttl;
    },
    async dump() {
      const lines: string[] = [];
      for (const key of await scanKeys(prefix, target)) {
        const type = await target.keys.type(key);
        const value = type === 'hash' ? await target.keys.hgetall(key) : await target.keys.get(key);
        lines.push(`${key} ${type} ${JSON.stringify(value)}`);
      }
      return lines.join('\n');
    },
  };
}

/** Deletes every key under `prefix` (a test file's clean-up on a shared server). */
export async function deleteKeysUnder(prefix: string, target: BackdoorTarget): Promise<void> {
  for (const key of await scanKeys(prefix, target)) await target.keys.del(key);
}

async function scanKeys(prefix: string, target: BackdoorTarget): Promise<string[]> {
  // The prefix is our own: letters, digits and colons, nothing that SCAN's glob would interpret.
  const keys: string[] = [];
  for (const server of target.servers()) {
    let cursor = '0';
    do {
      const [next, batch] = await server.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
  }
  return keys.sort();
}
