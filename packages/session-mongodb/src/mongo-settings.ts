import {
  checkInteger,
  parseInteger,
  parseNonEmpty,
  readSetting,
  type SessionConfig,
  SessionConfigError,
} from '@tina4/session-core';
import {
  assertCollectionName,
  assertDatabaseName,
  DEFAULT_COLLECTION,
  DEFAULT_DATABASE,
  databaseOfUri,
} from './mongo-names.js';

/**
 * The MongoDB backend's settings in code: `sessions({ backend: 'mongodb', mongodb: { ... } })`.
 * Each one overrides its variable (see the README's table); unset ones come from the environment.
 */
export interface MongoSettings {
  /**
   * `TINA4_SESSION_URL` (Tina4: `TINA4_SESSION_MONGO_URI`, formerly `TINA4_SESSION_MONGO_URL`): the
   * whole connection as a `mongodb://` or `mongodb+srv://` URI. Instead of `host`/`port`.
   */
  uri?: string;
  /** `TINA4_SESSION_HOST` (Tina4: `TINA4_SESSION_MONGO_HOST`), default 127.0.0.1. */
  host?: string;
  /** `TINA4_SESSION_PORT` (Tina4: `TINA4_SESSION_MONGO_PORT`), default 27017. */
  port?: number;
  /** `TINA4_SESSION_USERNAME` (Tina4: `TINA4_SESSION_MONGO_USERNAME`). */
  username?: string;
  /** `TINA4_SESSION_PASSWORD` (Tina4: `TINA4_SESSION_MONGO_PASSWORD`); needs a user name. */
  password?: string;
  /** `TINA4_SESSION_DATABASE` (Tina4: `TINA4_SESSION_MONGO_DB`), default: the URI's path, else `tina4_sessions`. */
  database?: string;
  /** `TINA4_SESSION_COLLECTION` (Tina4: `TINA4_SESSION_MONGO_COLLECTION`), default `tina4_sessions`. */
  collection?: string;
  /** Create the TTL indexes on first use (default true; code only). */
  createIndexes?: boolean;
}

declare module '@tina4/session-core' {
  interface BackendOptions {
    /** Settings of `@tina4/session-mongodb` (`TINA4_SESSION_BACKEND=mongodb`). */
    mongodb?: MongoSettings;
  }
}

/** Everything a store created from the configuration needs. */
export interface MongoStoreSettings {
  /** `mongodb://` or `mongodb+srv://` connection string. */
  readonly uri: string;
  /** Options for `new MongoClient(uri, options)`: credentials given apart from the URI. */
  readonly clientOptions: Record<string, unknown>;
  readonly database: string;
  readonly collection: string;
  readonly createIndexes: boolean;
}

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 27017;

const SCHEME = /^mongodb(?:\+srv)?:\/\//i;
/** `scheme://userinfo@`: the user name is everything before the first `:`. */
const USER_INFO = /^mongodb(?:\+srv)?:\/\/([^@/?]*)@/i;

/** This package's own variable name first, then the names Tina4 documents for the same setting. */
const VARIABLES = {
  uri: ['TINA4_SESSION_URL', 'TINA4_SESSION_MONGO_URI', 'TINA4_SESSION_MONGO_URL'],
  host: ['TINA4_SESSION_HOST', 'TINA4_SESSION_MONGO_HOST'],
  port: ['TINA4_SESSION_PORT', 'TINA4_SESSION_MONGO_PORT'],
  username: ['TINA4_SESSION_USERNAME', 'TINA4_SESSION_MONGO_USERNAME'],
  password: ['TINA4_SESSION_PASSWORD', 'TINA4_SESSION_MONGO_PASSWORD'],
  database: ['TINA4_SESSION_DATABASE', 'TINA4_SESSION_MONGO_DB'],
  collection: ['TINA4_SESSION_COLLECTION', 'TINA4_SESSION_MONGO_COLLECTION'],
} as const satisfies Record<string, readonly string[]>;

/**
 * The settings of the configuration: the code options of `config.options.mongodb` over the
 * variables in `config.env` (each with its Tina4 alias, see {@link VARIABLES}; two names of one
 * setting set to different values are an error naming both):
 *
 * - the URI, a full `mongodb://` or `mongodb+srv://` connection string (replica sets, Atlas, TLS
 *   and every other driver option); when set, host and port are not used;
 * - else host (default 127.0.0.1) and port (default 27017);
 * - user name and password, passed to the driver as credentials apart from the URI (a password
 *   kept in a secret store need not be spliced into a URL); with a URI, they override the
 *   credentials written in it;
 * - the database, else the URI's path, else `tina4_sessions`; the collection (default
 *   `tina4_sessions`).
 *
 * Throws {@link SessionConfigError} for settings that cannot work, never echoing a password.
 */
export function mongoSettingsFromConfig(config: Pick<SessionConfig, 'env' | 'options'>): MongoStoreSettings {
  const given = config.options.mongodb ?? {};
  /** A text setting: the code option (checked as `mongodb.<option>`), else the first variable set. */
  const text = (
    option: keyof typeof VARIABLES,
    check: (value: string, name: string) => void = () => {},
  ): string | undefined => {
    const value = given[option] as string | undefined;
    if (value !== undefined) check(value, `mongodb.${option}`);
    return readSetting(
      config.env,
      VARIABLES[option],
      (raw, name) => {
        const parsed = parseNonEmpty(name, raw);
        check(parsed, name);
        return parsed;
      },
      value,
    );
  };

  const url = text('uri', assertMongoUri);
  const host = text('host');
  const port = readSetting(
    config.env,
    VARIABLES.port,
    (raw, name) => parseInteger(name, raw, 'port', { max: 65535 }),
    given.port === undefined ? undefined : checkInteger('mongodb.port', given.port, 'port', { max: 65535 }),
  );
  const username = text('username');
  const password = readSetting(config.env, VARIABLES.password, (raw) => raw, given.password);
  const database = text('database', assertDatabaseName);
  const collection = text('collection', assertCollectionName) ?? DEFAULT_COLLECTION;

  const uri = url ?? `mongodb://${formatHost(host ?? DEFAULT_HOST)}:${port ?? DEFAULT_PORT}/`;
  const inUri = credentialsOfUri(uri);
  if (password !== undefined && (username ?? inUri.username) === undefined) {
    throw new SessionConfigError(
      'TINA4_SESSION_PASSWORD is set but no user name is: MongoDB authenticates a user by name and password. ' +
        'Set TINA4_SESSION_USERNAME, or put both in TINA4_SESSION_URL.',
    );
  }
  const clientOptions: Record<string, unknown> = {};
  // Given apart from the URI, the credentials replace the URI's as a whole (the driver lets the
  // options object win), hence the URI's own part is carried over where only the other is given.
  if (username !== undefined || password !== undefined) {
    const user = username ?? inUri.username;
    const secret = password ?? inUri.password;
    clientOptions.auth = secret === undefined ? { username: user } : { username: user, password: secret };
  }

  const databaseName = database ?? databaseOfUri(uri) ?? DEFAULT_DATABASE;
  assertDatabaseName(databaseName, 'the database in TINA4_SESSION_URL');
  return {
    uri,
    clientOptions,
    database: databaseName,
    collection,
    createIndexes: given.createIndexes ?? true,
  };
}

/** A connection string of MongoDB's schemes; the error names the scheme only (the rest may hold a password). */
function assertMongoUri(uri: string, name: string): void {
  if (SCHEME.test(uri)) return;
  const scheme = uri.includes('://') ? `"${uri.slice(0, uri.indexOf('://') + 3)}"` : 'no scheme';
  throw new SessionConfigError(
    `${name} must start with mongodb:// or mongodb+srv:// (it has ${scheme}), ` +
      `e.g. ${name}=mongodb://user:pass@db1:27017,db2:27017/app?replicaSet=rs0.`,
  );
}

/** The user name and password written in a connection string (`scheme://user:password@hosts/...`). */
function credentialsOfUri(uri: string): { username?: string; password?: string } {
  const userInfo = USER_INFO.exec(uri)?.[1];
  if (!userInfo) return {};
  const separator = userInfo.indexOf(':');
  const username = decodeURIComponent(separator === -1 ? userInfo : userInfo.slice(0, separator));
  const password = separator === -1 ? undefined : decodeURIComponent(userInfo.slice(separator + 1));
  return { ...(username !== '' && { username }), ...(password !== undefined && { password }) };
}

/** IPv6 addresses need brackets in a URI. */
function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
