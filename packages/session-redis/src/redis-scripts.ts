import { createHash } from 'node:crypto';
import type { RedisLikeClient } from './redis-like-client.js';

/** A Lua script and its SHA-1, for `EVALSHA`. */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

export function luaScript(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/**
 * The hash field that keeps an emptied session alive (Redis deletes a hash with no fields). It is
 * the empty string because the core never produces that name: data keys must be non-empty and
 * flash fields carry a prefix. Its value is the creation time in epoch milliseconds.
 */
export const SESSION_MARKER_FIELD = '';

/** What a write script answers when the server's clock says the caller has given up on it already. */
export const PAST_DEADLINE = -1;

/**
 * Every script that changes data starts with this check (ARGV[1]: the caller's deadline in epoch
 * ms, 0 for none): a command that reaches Redis after the caller answered 503 (Redis stalled, the
 * network froze) changes nothing. Redis applies scripts by their effects, so reading `TIME` before
 * a write is allowed (Redis 5+; Redis 7 and Valkey always).
 */
const DEADLINE_CHECK = `
local deadline = tonumber(ARGV[1])
if deadline > 0 then
  local now = redis.call('TIME')
  if tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) > deadline then return ${PAST_DEADLINE} end
end`;

/**
 * Ends a script that wrote a session's key. A write ends the server's tracking of the key for the
 * writing connection (client-side caching forgets a key once it changes); a read in the same script
 * tracks it again, so that a near cache holding what this connection wrote still hears of the next
 * change by anyone else. Costs nothing measurable where tracking is off.
 */
const KEEP_TRACKED = `redis.call('PTTL', KEYS[1])`;

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
 * Creates a session only where none exists (an expired key no longer does). ARGV: deadline, ttl in
 * ms, creation stamp, then field/value pairs. One HSET per field keeps clear of Lua's limit on
 * unpacked arguments. Answers 1 when created, 0 when the key exists.
 */
export const CREATE_SESSION = luaScript(`${DEADLINE_CHECK}
local key = KEYS[1]
if redis.call('EXISTS', key) == 1 then return 0 end
for i = 4, #ARGV, 2 do redis.call('HSET', key, ARGV[i], ARGV[i + 1]) end
redis.call('HSET', key, '${SESSION_MARKER_FIELD}', ARGV[3])
redis.call('PEXPIRE', key, ARGV[2])
${KEEP_TRACKED}
return 1
`);

/**
 * Applies a change set to an existing session, atomically; a missing key stays missing (answers 0).
 * ARGV: deadline, ttl in ms, '1' to replace, number of fields to delete, those fields, then
 * field/value pairs to set.
 */
export const UPDATE_SESSION = luaScript(`${DEADLINE_CHECK}
local key = KEYS[1]
if redis.call('EXISTS', key) == 0 then return 0 end
if ARGV[3] == '1' then
  local stamp = redis.call('HGET', key, '${SESSION_MARKER_FIELD}')
  redis.call('DEL', key)
  redis.call('HSET', key, '${SESSION_MARKER_FIELD}', stamp or '0')
end
local deletes = tonumber(ARGV[4])
for i = 5, 4 + deletes do redis.call('HDEL', key, ARGV[i]) end
for i = 5 + deletes, #ARGV, 2 do redis.call('HSET', key, ARGV[i], ARGV[i + 1]) end
redis.call('PEXPIRE', key, ARGV[2])
${KEEP_TRACKED}
return 1
`);

/**
 * The first half of a regenerate: takes a session out (answers `{PTTL, HGETALL}` and deletes the
 * key in the same step), so that no write can follow it; `false` (nil) when the key is missing.
 * ARGV: deadline.
 */
export const TAKE_SESSION = luaScript(`${DEADLINE_CHECK}
local ttl = redis.call('PTTL', KEYS[1])
if ttl == -2 then return false end
local fields = redis.call('HGETALL', KEYS[1])
redis.call('DEL', KEYS[1])
return { ttl, fields }
`);

/**
 * Sets a live session's expiry (`PEXPIRE` never creates a key), keeping the key tracked (see
 * {@link KEEP_TRACKED}), for a near cache. ARGV: ttl in ms. Answers 1 when the key exists, else 0.
 */
export const TOUCH_SESSION = luaScript(`
local touched = redis.call('PEXPIRE', KEYS[1], ARGV[1])
${KEEP_TRACKED}
return touched
`);

/**
 * Deletes a session and answers the user it was bound to (the field `__tina4:user`), or false, so
 * that the store can take it out of that user's index. No deadline: a late delete harms nobody.
 */
export const DESTROY_SESSION = luaScript(`
local user = redis.call('HGET', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[1])
return user
`);

/** Takes a free lock (`SET NX PX`) unless the caller gave up already. ARGV: deadline, token, lease ms. */
export const TAKE_LOCK = luaScript(`${DEADLINE_CHECK}
if redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3], 'NX') then return 1 end
return 0
`);

/** Deletes a lock only while it still holds the caller's token: an expired lock taken over by another request stays. */
export const RELEASE_LOCK = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/**
 * Runs a script by its SHA and falls back to sending its source when the server does not have it
 * cached (first use, a restart, `SCRIPT FLUSH`, a failover): one round trip in the usual case.
 * Keys and arguments travel as one array (see {@link RedisLikeClient.call}).
 */
export async function runScript(
  client: RedisLikeClient,
  script: LuaScript,
  keys: readonly string[],
  args: (string | number)[],
): Promise<unknown> {
  const tail = [keys.length, ...keys];
  try {
    return await client.call('EVALSHA', [script.sha, ...tail].concat(args));
  } catch (error) {
    const message = (error as { message?: unknown } | undefined)?.message;
    if (typeof message !== 'string' || !message.startsWith('NOSCRIPT')) throw error;
    return client.call('EVAL', [script.source, ...tail].concat(args));
  }
}
