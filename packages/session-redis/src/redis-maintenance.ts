import type { PurgeResult, SessionCounts, SessionStore } from '@tina4/session-core';
import type { RedisLikeClient } from './redis-like-client.js';

/** Keys SCAN is asked to look at per call: a hint to the server, which keeps each call short. */
const SCAN_COUNT = 1000;

/** A Cluster client (ioredis, iovalkey) also hands out one client per node: SCAN sees one node's keys. */
interface ClusterLike {
  nodes?(role: 'master'): RedisLikeClient[];
}

/** `*`, `?`, `[`, `]` and `\` are glob syntax in a SCAN pattern: a prefix holding them is escaped. */
const GLOB_SPECIAL = /[*?[\]\\]/g;

/**
 * `count` and `purgeExpired` of the Redis store. Sessions are counted with SCAN over the store's
 * own keys, `<prefix>{<key>}` (never KEYS, which blocks the server; lock keys are left out), on
 * every master of a Cluster. Redis removes a session the moment its expiry passes (a key past its
 * expiry is never returned), so there is no expired session to count or purge: `purgeExpired`
 * says so rather than pretending to work.
 *
 * @param answer Bounds one command by the store's deadline, as the store's own operations are.
 */
export function redisStoreMaintenance(
  client: RedisLikeClient,
  prefix: string,
  name: string,
  answer: <T>(work: Promise<T>) => Promise<T>,
): Required<Pick<SessionStore, 'count' | 'purgeExpired'>> {
  const pattern = `${prefix.replace(GLOB_SPECIAL, '\\$&')}{*}`;
  const isSessionKey = (key: string): boolean =>
    key.length === prefix.length + 66 &&
    key.startsWith(prefix) &&
    /^\{[0-9a-f]{64}\}$/.test(key.slice(prefix.length));

  const countOn = async (node: RedisLikeClient): Promise<number> => {
    let cursor = '0';
    let sessions = 0;
    do {
      const [next, keys] = (await answer(
        node.call('SCAN', [cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT]),
      )) as [string, string[]];
      for (const key of keys) if (isSessionKey(key)) sessions++;
      cursor = next;
    } while (cursor !== '0');
    return sessions;
  };

  return {
    async count(): Promise<SessionCounts> {
      const nodes = (client as ClusterLike).nodes?.('master') ?? [client];
      let live = 0;
      // One node at a time: a SCAN cursor belongs to its node.
      for (const node of nodes) live += await countOn(node);
      return { live };
    },

    async purgeExpired(): Promise<PurgeResult> {
      return {
        removed: 0,
        note: `${name} deletes each session itself when it expires (key expiry): there is nothing to purge.`,
      };
    },
  };
}
