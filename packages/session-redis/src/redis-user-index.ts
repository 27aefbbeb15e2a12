import {
  type SessionKey,
  type StoredSession,
  type UserKey,
  type UserSessionRecord,
  userKeyOfFields,
} from '@tina4/session-core';
import type { RedisLikeClient } from './redis-like-client.js';
import { luaScript, runScript } from './redis-scripts.js';

/**
 * How recently an index entry must have been written to be spared by pruning. An entry is written
 * just before the script that stores its binding, which Redis refuses past the caller's deadline
 * (seconds): a listing that saw the session unbound in between must not remove the entry of a
 * binding on its way. Generous, for clocks of Cluster nodes that disagree.
 */
const PRUNE_GRACE_MS = 60_000;
/** An index this large (and each doubling of it) is pruned in the background as it grows. */
const PRUNE_AT_SIZE = 64;

/** Server time in epoch milliseconds, in a script. */
const NOW_MS = `local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)`;

/** Adds a session key to a user's index, stamped with the server's time. ARGV: key. Answers the index's size. */
const ADD_TO_INDEX = luaScript(`${NOW_MS}
redis.call('HSET', KEYS[1], ARGV[1], now)
return redis.call('HLEN', KEYS[1])
`);

/**
 * Removes keys from a user's index unless their entry was written within the grace period (a
 * binding on its way). ARGV: grace in ms, then the keys. Answers how many went.
 */
const PRUNE_INDEX = luaScript(`${NOW_MS}
local removed = 0
for i = 2, #ARGV do
  local added = tonumber(redis.call('HGET', KEYS[1], ARGV[i]))
  if added and now - added > tonumber(ARGV[1]) then
    redis.call('HDEL', KEYS[1], ARGV[i])
    removed = removed + 1
  end
end
return removed
`);

export interface RedisUserIndexOptions {
  readonly client: RedisLikeClient;
  /** The key of a user's index: `<prefix>user:{<user key>}`. */
  readonly indexKey: (user: UserKey) => string;
  /** Bounds one command by the store's deadline. */
  readonly answer: <T>(work: Promise<T>) => Promise<T>;
  /** Reads a session as the store does (without sliding its expiry). */
  readonly read: (key: SessionKey) => Promise<StoredSession | undefined>;
}

/**
 * The Redis store's sessions by user: one hash per user, `<prefix>user:{<user key>}`, mapping the
 * keys of the user's sessions to when each entry was written. A session and its user's index live
 * in different Cluster slots (a session's slot comes from its own key, which exists before anyone
 * logs in), so no script touches both: every script touches one key, and the two are kept in
 * step by the order of the writes instead.
 *
 * - An entry is written before the script that stores the binding (create, update, regenerate):
 *   a bound session is always in its user's index; a failed write leaves an entry too many.
 * - An entry is removed after its session's record is gone for good (destroy, the old key of a
 *   regenerate): keys are never reused, so nothing can bind it again.
 * - An entry of a session that expired or changed user is found stale by a listing, which reads
 *   every session behind the index and keeps only the live ones still bound to the user; stale
 *   entries older than {@link PRUNE_GRACE_MS} are then removed (by a script that checks their age
 *   again, on the server's clock), as they are when an index grows past 64, 128, 256... entries.
 *
 * The index has no expiry of its own: a session's expiry is renewed without a write to its index
 * (sliding reads, touches), so none could be set that outlives it for sure.
 */
export class RedisUserIndex {
  readonly #options: RedisUserIndexOptions;

  constructor(options: RedisUserIndexOptions) {
    this.#options = options;
  }

  /** Before a write that binds session `key` to `user`. */
  async add(user: UserKey, key: SessionKey): Promise<void> {
    const { client, indexKey, answer } = this.#options;
    const size = Number(await answer(runScript(client, ADD_TO_INDEX, [indexKey(user)], [key])));
    if (size >= PRUNE_AT_SIZE && (size & (size - 1)) === 0) {
      // Housekeeping off the request's path: a failure leaves stale entries for the next listing.
      void this.listUserSessions(user).catch(() => {});
    }
  }

  /** After session `key`'s record is gone for good. Best effort: a leftover entry is pruned later. */
  async remove(user: UserKey, key: SessionKey): Promise<void> {
    const { client, indexKey, answer } = this.#options;
    await answer(client.call('HDEL', [indexKey(user), key])).catch(() => {});
  }

  async listUserSessions(user: UserKey): Promise<UserSessionRecord[]> {
    const { client, indexKey, answer, read } = this.#options;
    const flat = (await answer(client.call('HGETALL', [indexKey(user)]))) as string[];
    const keys: SessionKey[] = [];
    for (let i = 0; i < flat.length; i += 2) keys.push(flat[i]!);
    const sessions = await Promise.all(keys.map((key) => read(key)));
    const records: UserSessionRecord[] = [];
    const stale: SessionKey[] = [];
    sessions.forEach((session, index) => {
      const key = keys[index]!;
      if (session && userKeyOfFields(session.fields) === user) {
        records.push({ key, fields: session.fields, expiresAt: session.expiresAt });
      } else stale.push(key);
    });
    if (stale.length > 0) {
      await answer(runScript(client, PRUNE_INDEX, [indexKey(user)], [PRUNE_GRACE_MS, ...stale]));
    }
    return records;
  }
}
