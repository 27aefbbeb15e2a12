import {
  checkInteger,
  parseBoolean,
  parseInteger,
  readSetting,
  SessionConfigError,
  type SettingsEnv,
} from '@tina4/session-core';
import type { NearCacheOptions } from './near-cache-options.js';

/** Why the near cache does not follow each topology but a single server (see the README's "Near cache"). */
const REFUSED: Readonly<Record<string, string>> = {
  TINA4_SESSION_CLUSTER:
    'each master of a cluster sends the invalidations of its own keys, and the near cache follows a single server',
  TINA4_SESSION_SENTINELS:
    'during a failover the invalidation connection and the command connection can reach different servers, ' +
    'and invalidations would be lost',
};

/**
 * The near cache's settings: `nearCache` in code (true, or its options) over `TINA4_SESSION_NEAR_CACHE`
 * and `TINA4_SESSION_NEAR_CACHE_MAX_BYTES`; undefined when it is off (the default). On with a cluster
 * or Sentinel (`topology`: the variable that chose it), a {@link SessionConfigError} says why not.
 */
export function nearCacheSetting(
  env: SettingsEnv,
  given: boolean | NearCacheOptions | undefined,
  topology: 'TINA4_SESSION_CLUSTER' | 'TINA4_SESSION_SENTINELS' | undefined,
): NearCacheOptions | undefined {
  const on = readSetting(
    env,
    'TINA4_SESSION_NEAR_CACHE',
    (raw, name) => parseBoolean(name, raw),
    given === undefined ? undefined : given !== false,
  );
  if (!on) return undefined;
  if (topology !== undefined) {
    throw new SessionConfigError(
      `TINA4_SESSION_NEAR_CACHE cannot be used with ${topology}: ${REFUSED[topology]}. Turn the near cache off, ` +
        'or use it with a single server.',
    );
  }
  const code = typeof given === 'object' ? given : {};
  const maxBytes = readSetting(
    env,
    'TINA4_SESSION_NEAR_CACHE_MAX_BYTES',
    (raw, name) => parseInteger(name, raw, 'bytes'),
    code.maxBytes === undefined ? undefined : checkInteger('nearCache.maxBytes', code.maxBytes, 'bytes'),
  );
  return { ...code, ...(maxBytes !== undefined && { maxBytes }) };
}
