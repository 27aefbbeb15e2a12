import {
  checkInteger,
  parseInteger,
  parseNonEmpty,
  readSetting,
  type SessionConfig,
  SessionConfigError,
  type SettingsEnv,
} from '@tina4/session-core';
import type { AnyKysely } from './any-kysely.js';
import { type CredentialSources, withCredentials } from './database-credentials.js';
import type { DatabaseStoreOptions } from './database-store-options.js';
import { type DatabaseEngine, parseDatabaseUrl } from './database-url.js';
import { MAX_POOL_SIZE } from './dialects/dialect-options.js';
import { sessionTables } from './session-tables.js';

/**
 * The database store's settings as an app gives them in code, `sessions({ backend: 'database',
 * database: { ... } })`. Each one wins over its variable; see the README's settings table.
 */
export interface DatabaseSettings {
  /** `DATABASE_URL`, or Tina4's `TINA4_DATABASE_URL`: the database (see the README for each engine's form). */
  url?: string;
  /** Tina4's `TINA4_DATABASE_USERNAME`: the user, when the URL has none. */
  username?: string;
  /** Tina4's `TINA4_DATABASE_PASSWORD`: the password, when the URL has none. */
  password?: string;
  /** The app's own Kysely instance instead of a URL; the store leaves it open when it closes. */
  db?: AnyKysely;
  /** The engine behind {@link db}, for a dialect the store does not recognise. */
  engine?: DatabaseEngine;
  /** `TINA4_SESSION_TABLE`: the session table (default `tina4_session`); the lock table adds `_lock`. */
  table?: string;
  /** `TINA4_SESSION_REAP_INTERVAL`: seconds between deletions of expired sessions (default 300, 0 for none). */
  reapInterval?: number;
  /** `TINA4_SESSION_REAP_PROBABILITY`: chance, 0 to 1, that a write also deletes expired sessions (default 0). */
  reapProbability?: number;
  /** `TINA4_SESSION_POOL_SIZE`: most connections of the store's own pool (default 10). */
  poolSize?: number;
}

declare module '@tina4/session-core' {
  interface BackendOptions {
    /** The database store's settings (`@tina4/session-database`). */
    database?: DatabaseSettings;
  }
}

/** The variables of each setting; the first name is this library's own, the others Tina4's. */
export const DATABASE_VARIABLES = {
  url: ['DATABASE_URL', 'TINA4_DATABASE_URL'],
  username: ['TINA4_DATABASE_USERNAME'],
  password: ['TINA4_DATABASE_PASSWORD'],
  table: ['TINA4_SESSION_TABLE'],
  reapInterval: ['TINA4_SESSION_REAP_INTERVAL'],
  reapProbability: ['TINA4_SESSION_REAP_PROBABILITY'],
  poolSize: ['TINA4_SESSION_POOL_SIZE'],
} as const satisfies Record<Exclude<keyof DatabaseSettings, 'db' | 'engine'>, readonly string[]>;

const MAX_REAP_INTERVAL_SECONDS = 365 * 24 * 3600;

/**
 * The store's options for `TINA4_SESSION_BACKEND=database`: `config.options.database` (code) over
 * the variables in `config.env`, validated here, so that a bad setting stops the app at start-up
 * with the name of the variable (or option) that holds it.
 *
 * @throws {@link SessionConfigError} for a value out of range, a bad table name, a URL that cannot
 *   be parsed, or credentials that disagree with the URL's (naming both, never showing a password).
 */
export function databaseSettingsFromConfig(config: SessionConfig): DatabaseStoreOptions {
  const { env } = config;
  const code: DatabaseSettings = config.options.database ?? {};
  const inCode = (name: keyof DatabaseSettings) => `database.${name} (in code)`;

  const url = readSetting(env, DATABASE_VARIABLES.url, (raw, name) => parseNonEmpty(name, raw), code.url);
  const username = readSetting(
    env,
    DATABASE_VARIABLES.username,
    (raw, name) => parseNonEmpty(name, raw),
    code.username,
  );
  // A password is taken as it is: spaces may be part of it.
  const password = readSetting(env, DATABASE_VARIABLES.password, (raw) => raw, code.password);
  if (url !== undefined && code.db === undefined) {
    const sources: CredentialSources = {
      url: code.url !== undefined ? inCode('url') : firstSet(env, DATABASE_VARIABLES.url),
      username: code.username !== undefined ? inCode('username') : DATABASE_VARIABLES.username[0],
      password: code.password !== undefined ? inCode('password') : DATABASE_VARIABLES.password[0],
    };
    withCredentials(parseDatabaseUrl(url), { username, password }, sources);
  }

  const table = readSetting(
    env,
    DATABASE_VARIABLES.table,
    (raw, name) => parseNonEmpty(name, raw),
    code.table,
  );
  if (table !== undefined) {
    sessionTables(table, code.table !== undefined ? inCode('table') : DATABASE_VARIABLES.table[0]);
  }

  const reapInterval = integerSetting(env, 'reapInterval', code.reapInterval, 'seconds', {
    min: 0,
    max: MAX_REAP_INTERVAL_SECONDS,
  });
  const poolSize = integerSetting(env, 'poolSize', code.poolSize, 'connections', {
    min: 1,
    max: MAX_POOL_SIZE,
  });

  const reapProbability =
    code.reapProbability !== undefined
      ? checkProbability(inCode('reapProbability'), code.reapProbability)
      : readSetting(env, DATABASE_VARIABLES.reapProbability, (raw, name) => parseProbability(name, raw));

  return {
    db: code.db,
    engine: code.engine,
    url,
    username,
    password,
    table,
    reapIntervalMs: reapInterval === undefined ? undefined : reapInterval * 1000,
    reapProbability,
    poolSize,
    logger: config.logger,
    statementTimeoutMs: config.storeTimeoutMs,
  };
}

/** A whole-number setting, from code (checked) or its variable (parsed). */
function integerSetting(
  env: SettingsEnv,
  setting: 'reapInterval' | 'poolSize',
  given: number | undefined,
  unit: string,
  bounds: { min: number; max: number },
): number | undefined {
  if (given !== undefined) return checkInteger(`database.${setting} (in code)`, given, unit, bounds);
  return readSetting(env, DATABASE_VARIABLES[setting], (raw, name) => parseInteger(name, raw, unit, bounds));
}

function parseProbability(name: string, raw: string): number {
  const text = raw.trim();
  const value = Number(text);
  if (text === '' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new SessionConfigError(`${name}="${raw}" is not valid. Use a number from 0 to 1, e.g. 0.01.`);
  }
  return value;
}

function checkProbability(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new SessionConfigError(`${name} ${value} is not valid. Use a number from 0 to 1, e.g. 0.01.`);
  }
  return value;
}

/** The first of `names` set in `env` (the one `readSetting` used). */
function firstSet(env: SettingsEnv, names: readonly string[]): string {
  return names.find((name) => (env[name] ?? '').trim() !== '') ?? names[0]!;
}
