import { SessionConfigError } from '@tina4/session-core';

/** The SQL engines the database store runs on. */
export type DatabaseEngine = 'sqlite' | 'postgres' | 'mysql' | 'mssql' | 'firebird';

/** A parsed SQLite `DATABASE_URL`. */
export interface SqliteUrl {
  readonly engine: 'sqlite';
  /** A file path (relative paths are relative to the working directory) or `:memory:`. */
  readonly filename: string;
}

/** A parsed `DATABASE_URL` of a database server. */
export interface ServerDatabaseUrl {
  readonly engine: Exclude<DatabaseEngine, 'sqlite'>;
  readonly host: string;
  /** `undefined` means the engine's default port. */
  readonly port: number | undefined;
  /** URL-decoded. */
  readonly user: string | undefined;
  /** URL-decoded. Never put it in a message: use {@link redactUrl} on the original URL instead. */
  readonly password: string | undefined;
  /** Database name; for Firebird a file path (`/var/db/app.fdb`) or a server alias. */
  readonly database: string;
  /** The query string's parameters (`?ssl=true`), URL-decoded. */
  readonly params: Readonly<Record<string, string>>;
}

/** What {@link parseDatabaseUrl} returns. */
export type DatabaseUrl = SqliteUrl | ServerDatabaseUrl;

/** Every accepted scheme and the engine it selects (Tina4's spellings plus common aliases). */
const SCHEMES: Readonly<Record<string, DatabaseEngine>> = {
  sqlite: 'sqlite',
  postgres: 'postgres',
  postgresql: 'postgres',
  mysql: 'mysql',
  mariadb: 'mysql',
  mssql: 'mssql',
  sqlserver: 'mssql',
  firebird: 'firebird',
};

export const SUPPORTED_SCHEMES: readonly string[] = Object.keys(SCHEMES);

const EXAMPLES =
  'e.g. sqlite:///data/sessions.db, sqlite:////var/db/sessions.db, sqlite::memory:, ' +
  'postgres://user:pass@host:5432/app, mysql://user:pass@host:3306/app, mssql://user:pass@host:1433/app, ' +
  'firebird://user:pass@host:3050//var/db/app.fdb';

/**
 * Parses a Tina4 `DATABASE_URL`:
 * `sqlite:///relative.db`, `sqlite:////absolute/path.db`, `sqlite::memory:`,
 * `postgres://` / `postgresql://`, `mysql://` (or `mariadb://`), `mssql://` / `sqlserver://`,
 * `firebird://user:pass@host:3050//absolute/path.fdb` (or `.../alias`).
 * User and password are URL-decoded (`p%40ss` is `p@ss`).
 *
 * @throws {@link SessionConfigError} for an unsupported scheme or a malformed URL; the message
 *   shows the URL with its password masked.
 */
export function parseDatabaseUrl(url: string): DatabaseUrl {
  const trimmed = url.trim();
  const colon = trimmed.indexOf(':');
  const scheme = colon > 0 ? trimmed.slice(0, colon).toLowerCase() : '';
  const engine = SCHEMES[scheme];
  if (!engine) {
    const shown = scheme ? `"${scheme}"` : 'missing';
    throw new SessionConfigError(
      `DATABASE_URL "${redactUrl(trimmed)}" has an unsupported scheme (${shown}). ` +
        `Use one of: ${SUPPORTED_SCHEMES.map((name) => `${name}://`).join(', ')} (${EXAMPLES}).`,
    );
  }
  return engine === 'sqlite' ? parseSqliteUrl(trimmed) : parseServerUrl(trimmed, engine);
}

function parseSqliteUrl(url: string): SqliteUrl {
  const rest = url.slice('sqlite:'.length);
  if (rest === ':memory:' || rest === '///:memory:') return { engine: 'sqlite', filename: ':memory:' };
  // Three slashes: `sqlite://` plus an empty host, then the path. A fourth slash makes it absolute.
  if (!rest.startsWith('///') || rest.length === 3) {
    throw invalid(
      url,
      'SQLite URLs are sqlite:///relative/path.db, sqlite:////absolute/path.db or sqlite::memory:',
    );
  }
  const path = rest.slice(3).split('?')[0]!;
  return { engine: 'sqlite', filename: decode(url, path) };
}

function parseServerUrl(url: string, engine: ServerDatabaseUrl['engine']): ServerDatabaseUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(url, 'it is not a valid URL; percent-encode special characters in the user and password');
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw invalid(url, 'it names no host');
  // One slash separates the host from the database; for Firebird a second one starts an
  // absolute file path (`//var/db/app.fdb`), otherwise it is a relative path or a server alias.
  const database = decode(url, parsed.pathname.replace(/^\//, ''));
  if (!database) throw invalid(url, 'it names no database');
  const params: Record<string, string> = {};
  for (const [name, value] of parsed.searchParams) params[name] = value;
  return {
    engine,
    host,
    port: parsed.port ? Number(parsed.port) : undefined,
    user: parsed.username ? decode(url, parsed.username) : undefined,
    password: parsed.password ? decode(url, parsed.password) : undefined,
    database,
    params,
  };
}

function decode(url: string, text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw invalid(url, 'it holds a malformed %-escape');
  }
}

function invalid(url: string, reason: string): SessionConfigError {
  return new SessionConfigError(`DATABASE_URL "${redactUrl(url)}" cannot be used: ${reason} (${EXAMPLES}).`);
}

const SECRET_PARAM = /^(password|pass|pwd|secret|token|access_?token|api_?key)$/i;

/**
 * The URL with its password (and any password-like query parameter) replaced by `***`, for
 * messages and logs. Works on malformed URLs too: everything between the user name and the last
 * `@` of the authority is masked, so a password with an unencoded `@` or `/` is still hidden.
 */
export function redactUrl(url: string): string {
  let result = url;
  const start = result.indexOf('://');
  if (start >= 0) {
    const authorityStart = start + 3;
    const at = result.lastIndexOf('@');
    if (at > authorityStart) {
      const userInfo = result.slice(authorityStart, at);
      const colon = userInfo.indexOf(':');
      if (colon >= 0) result = `${result.slice(0, authorityStart + colon + 1)}***${result.slice(at)}`;
    }
  }
  const query = result.indexOf('?');
  if (query < 0) return result;
  const redactedQuery = result
    .slice(query + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq > 0 && SECRET_PARAM.test(pair.slice(0, eq)) ? `${pair.slice(0, eq)}=***` : pair;
    })
    .join('&');
  return `${result.slice(0, query)}?${redactedQuery}`;
}
