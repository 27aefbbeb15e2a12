import { type SessionConfig, SessionConfigError, type SessionStore } from '@tina4/session-core';
import { createDatabaseStore } from './database-store.js';

/**
 * What `@tina4/session-core` calls for `TINA4_SESSION_BACKEND=database`: a store on
 * `config.databaseUrl` (from `DATABASE_URL`, else `TINA4_DATABASE_URL`). Reads three settings of
 * its own from the environment: `TINA4_SESSION_TABLE` (default `tina4_session`),
 * `TINA4_SESSION_REAP_INTERVAL` (seconds between deletions of expired sessions, default 300,
 * 0 for none) and `TINA4_SESSION_REAP_PROBABILITY` (chance per write, 0 to 1, default 0).
 */
export async function createStoreFromConfig(config: SessionConfig): Promise<SessionStore> {
  const { env } = config;
  const reapSeconds = setting(
    env,
    'TINA4_SESSION_REAP_INTERVAL',
    'a whole number of seconds, 0 for none',
    (n) => Number.isInteger(n) && n >= 0,
  );
  return createDatabaseStore({
    url: config.databaseUrl,
    table: env.TINA4_SESSION_TABLE?.trim() || undefined,
    reapIntervalMs: reapSeconds === undefined ? undefined : reapSeconds * 1000,
    reapProbability: setting(
      env,
      'TINA4_SESSION_REAP_PROBABILITY',
      'a number from 0 to 1',
      (n) => n >= 0 && n <= 1,
    ),
    logger: config.logger,
  });
}

function setting(
  env: SessionConfig['env'],
  name: string,
  expected: string,
  valid: (value: number) => boolean,
): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || !valid(value)) {
    throw new SessionConfigError(`${name}="${raw}" is not valid. Use ${expected}.`);
  }
  return value;
}
