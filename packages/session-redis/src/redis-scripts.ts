import { createHash } from 'node:crypto';
import type { RedisLikeClient } from './redis-like-client.js';

/** A Lua script and its SHA-1, for `EVALSHA`. */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

function luaScript(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/**
 * The hash field that keeps an emptied session alive (Redis deletes a hash with no fields). It is
 * the empty string because the core never produces that name: data keys must be non-empty and
 * flash fields carry a prefix. Its value is the creation time in epoch milliseconds.
 */
export const SESSION_MARKER_FIELD = '';

/**
 * Reads a session in one round trip: `{PTTL}` for a missing key, else `{PTTL, HGETALL, slid}`. One
 * script rather than two commands so that the fields and their lifetime come from the same instant.
 * ARGV (optional): the sliding TTL in ms and the refresh interval in ms: when the key was last
 * refreshed at least that long ago, its expiry is renewed here, in the same round trip.
 */
export const READ_SESSION = luaScript(`
local ttl = redis.call('PTTL', KEYS[1])
if ttl == -2 then return { ttl } end
local slid = 0
if ARGV[1] and ttl >= 0 and tonumber(ARGV[1]) - ttl >= tonumber(ARGV[2]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
  slid = 1
end
return { ttl, redis.call('HGETALL', KEYS[1]), slid }
`);

/**
 * Applies a change set atomically. ARGV: ttl in ms, '1' to replace, creation stamp, number of
 * fields to delete, those fields, then field/value pairs to set. One HDEL/HSET per field keeps
 * clear of Lua's limit on unpacked arguments and works on every Redis since 2.6.
 */
export const WRITE_SESSION = luaScript(`
local key = KEYS[1]
if ARGV[2] == '1' then redis.call('DEL', key) end
local deletes = tonumber(ARGV[4])
for i = 5, 4 + deletes do redis.call('HDEL', key, ARGV[i]) end
for i = 5 + deletes, #ARGV, 2 do redis.call('HSET', key, ARGV[i], ARGV[i + 1]) end
redis.call('HSETNX', key, '${SESSION_MARKER_FIELD}', ARGV[3])
redis.call('PEXPIRE', key, ARGV[1])
return 1
`);

/** Deletes a lock only while it still holds the caller's token: an expired lock taken over by another request stays. */
export const RELEASE_LOCK = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/**
 * Runs a script by its SHA and falls back to sending its source when the server does not have it
 * cached (first use, a restart, `SCRIPT FLUSH`, a failover): one round trip in the usual case.
 */
export async function runScript(
  client: RedisLikeClient,
  script: LuaScript,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  try {
    return await client.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (error) {
    const message = (error as { message?: unknown } | undefined)?.message;
    if (typeof message !== 'string' || !message.startsWith('NOSCRIPT')) throw error;
    return client.eval(script.source, keys.length, ...keys, ...args);
  }
}
