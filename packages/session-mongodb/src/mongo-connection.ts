import { type SessionConfig, SessionConfigError } from '@tina4/session-core';

/** Database used when none is configured (`TINA4_SESSION_DATABASE`, nor a path in `TINA4_SESSION_URL`). */
export const DEFAULT_DATABASE = 'tina4_sessions';
/** Collection used when none is configured (`TINA4_SESSION_COLLECTION`). */
export const DEFAULT_COLLECTION = 'tina4_sessions';
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 27017;

/** Everything needed to create the client and find the collection. */
export interface MongoConnectionSettings {
  /** `mongodb://` or `mongodb+srv://` connection string. */
  readonly uri: string;
  /** Options for `new MongoClient(uri, options)`: credentials given apart from the URI. */
  readonly clientOptions: Record<string, unknown>;
  readonly database: string;
  readonly collection: string;
}

const SCHEME = /^mongodb(?:\+srv)?:\/\//i;
/** `scheme://userinfo@`: the user name is everything before the first `:`. */
const USER_INFO = /^mongodb(?:\+srv)?:\/\/([^@/?]*)@/i;
/** The path after the host list: the database the URI names (`mongodb://h1,h2/app?...` -> `app`). */
const URI_DATABASE = /^mongodb(?:\+srv)?:\/\/[^/?]*\/([^?]*)/i;

/**
 * The connection described by the resolved session configuration:
 *
 * - `TINA4_SESSION_URL` (from `config.env`), a full `mongodb://` or `mongodb+srv://` URI (replica
 *   sets, Atlas, TLS and every other driver option); when set, host and port are not used.
 * - Else `TINA4_SESSION_HOST` (default 127.0.0.1) and `TINA4_SESSION_PORT` (default 27017).
 * - `TINA4_SESSION_USERNAME` and `TINA4_SESSION_PASSWORD`, passed to the driver as credentials apart
 *   from the URI (so a password kept in a secret store need not be spliced into a URL); with a URL,
 *   they override credentials written in it.
 * - `TINA4_SESSION_DATABASE`, else the URL's path, else `tina4_sessions`.
 * - `TINA4_SESSION_COLLECTION` (default `tina4_sessions`).
 *
 * Throws {@link SessionConfigError} for settings that cannot work, without echoing a password.
 */
export function mongoConnectionFromConfig(
  config: Pick<SessionConfig, 'host' | 'port' | 'password' | 'database' | 'env'>,
): MongoConnectionSettings {
  const url = nonEmpty(config.env.TINA4_SESSION_URL);
  if (url !== undefined && !SCHEME.test(url)) {
    const scheme = url.includes('://') ? `"${url.slice(0, url.indexOf('://') + 3)}"` : 'no scheme';
    throw new SessionConfigError(
      `TINA4_SESSION_URL must start with mongodb:// or mongodb+srv:// (it has ${scheme}), ` +
        'e.g. TINA4_SESSION_URL=mongodb://user:pass@db1:27017,db2:27017/app?replicaSet=rs0.',
    );
  }
  const uri = url ?? `mongodb://${formatHost(config.host ?? DEFAULT_HOST)}:${config.port ?? DEFAULT_PORT}/`;

  const inUri = credentialsOfUri(uri);
  const username = nonEmpty(config.env.TINA4_SESSION_USERNAME) ?? inUri.username;
  const password = config.password ?? inUri.password;
  if (config.password !== undefined && username === undefined) {
    throw new SessionConfigError(
      'TINA4_SESSION_PASSWORD is set but no user name is: MongoDB authenticates a user by name and password. ' +
        'Set TINA4_SESSION_USERNAME, or put both in TINA4_SESSION_URL.',
    );
  }
  const clientOptions: Record<string, unknown> = {};
  // Given apart from the URI, the credentials replace the URI's as a whole (the driver lets the
  // options object win), hence the URI's own part is carried over where only the other is given.
  if (nonEmpty(config.env.TINA4_SESSION_USERNAME) !== undefined || config.password !== undefined) {
    clientOptions.auth = password === undefined ? { username } : { username, password };
  }

  const database = config.database ?? databaseOfUri(uri) ?? DEFAULT_DATABASE;
  const collection = nonEmpty(config.env.TINA4_SESSION_COLLECTION) ?? DEFAULT_COLLECTION;
  assertDatabaseName(database, 'TINA4_SESSION_DATABASE');
  assertCollectionName(collection, 'TINA4_SESSION_COLLECTION');
  return { uri, clientOptions, database, collection };
}

/** The database named by a connection string's path, if any. */
export function databaseOfUri(uri: string): string | undefined {
  const path = URI_DATABASE.exec(uri)?.[1];
  return path ? decodeURIComponent(path) : undefined;
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

/** MongoDB's rules for database names (the stricter Windows set, so a name works on every server). */
export function assertDatabaseName(name: string, setting: string): void {
  if (name === '' || name.length > 63 || /[/\\. "$*<>:|?]/.test(name) || name.includes('\u0000')) {
    throw new SessionConfigError(
      `${setting}="${name}" is not a valid MongoDB database name: use 1 to 63 characters, none of /\\. "$*<>:|?.`,
    );
  }
}

/** MongoDB's rules for collection names. The store also uses `<name>_locks`. */
export function assertCollectionName(name: string, setting: string): void {
  if (name === '' || name.includes('$') || name.includes('\u0000') || name.startsWith('system.')) {
    throw new SessionConfigError(
      `${setting}="${name}" is not a valid MongoDB collection name: it must be non-empty, contain no "$" ` +
        'and not start with "system.".',
    );
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
