import { resolve } from 'node:path';
import { SessionConfigError } from '../errors.js';
import type { SessionStore } from '../store/session-store.js';
import { loadEnvironment, readEnvFile } from './env-file.js';
import { parseBoolean, parseChoice, parseNonEmpty, parsePositiveInteger } from './parse-setting.js';

export const SESSION_BACKENDS = ['file', 'memory', 'redis', 'valkey', 'mongodb', 'database'] as const;
export type SessionBackend = (typeof SESSION_BACKENDS)[number];

export const SAME_SITE_VALUES = ['Strict', 'Lax', 'None'] as const;
export type SameSite = (typeof SAME_SITE_VALUES)[number];

/** Anything a logger needs to be for the library: `console` qualifies. */
export interface SessionLogger {
  warn(message: string): void;
  error(message: string): void;
}

/**
 * Settings given in code. Each one overrides its `TINA4_SESSION_*` variable, which in turn
 * overrides the same variable in `.env`.
 */
export interface SessionOptions {
  /** `TINA4_SESSION_BACKEND`: file (default), memory, redis, valkey, mongodb, database. */
  backend?: SessionBackend;
  /** A ready store instance; when given, `backend` and its connection settings are ignored. */
  store?: SessionStore;
  /** `TINA4_SESSION_TTL`: lifetime in seconds of an idle session (default 3600). */
  ttl?: number;
  /** `TINA4_SESSION_NAME`: cookie name (default `tina4_session`). */
  cookieName?: string;
  /**
   * `TINA4_SESSION_SECURE` (default false): send the cookie over HTTPS only. `auto` sets it on
   * requests that arrived over HTTPS (see `trustProxy`).
   */
  secure?: boolean | 'auto';
  /**
   * `TINA4_SESSION_TRUST_PROXY` (default false): believe `X-Forwarded-Proto` from a TLS-terminating
   * proxy when deciding whether a request is HTTPS. Only enable it behind a proxy that sets the header.
   */
  trustProxy?: boolean;
  /** `TINA4_SESSION_HTTPONLY` (default true). */
  httpOnly?: boolean;
  /** `TINA4_SESSION_SAMESITE`: Strict, Lax (default) or None (requires `secure`). */
  sameSite?: SameSite;
  /** Cookie `Domain` attribute (default: none, the cookie belongs to the exact host). */
  cookieDomain?: string;
  /** `TINA4_SESSION_PATH`: the file store's directory (default `./sessions`). */
  path?: string;
  /** `TINA4_SESSION_HOST`, `TINA4_SESSION_PORT`, `TINA4_SESSION_PASSWORD`: server backends. */
  host?: string;
  port?: number;
  password?: string;
  /** `TINA4_SESSION_DATABASE`: MongoDB database name. */
  database?: string;
  /** `DATABASE_URL` (or `TINA4_DATABASE_URL`): the database backend's connection. */
  databaseUrl?: string;
  /** `TINA4_SESSION_LOCK`: run the requests of one session one after another (default false). */
  lock?: boolean;
  /** `TINA4_SESSION_LOCK_WAIT`: milliseconds to wait for a session's lock (default 5000). */
  lockWait?: number;
  /** `TINA4_SESSION_MAX_BYTES`: largest session, as stored JSON (default 1 MiB). */
  maxBytes?: number;
  /**
   * `TINA4_SESSION_SECRET`: encrypt session values at rest (AES-256-GCM). Several secrets
   * (comma-separated, or an array) rotate keys: the first encrypts, all decrypt.
   */
  secret?: string | readonly string[];
  /** Variables to read instead of `process.env` (the `.env` file is still read unless `envFile` is false). */
  env?: Record<string, string | undefined>;
  /** The `.env` file to read (default `./.env`), or false to read none. */
  envFile?: string | false;
  /** Where warnings and store outages are reported (default `console`). */
  logger?: SessionLogger;
}

/** The resolved configuration: every setting has its final value. */
export interface SessionConfig {
  readonly backend: SessionBackend;
  readonly store: SessionStore | undefined;
  readonly ttlSeconds: number;
  readonly cookie: {
    readonly name: string;
    readonly path: '/';
    readonly secure: boolean | 'auto';
    readonly httpOnly: boolean;
    readonly sameSite: SameSite;
    readonly domain: string | undefined;
  };
  readonly filePath: string;
  readonly host: string | undefined;
  readonly port: number | undefined;
  readonly password: string | undefined;
  readonly database: string | undefined;
  readonly databaseUrl: string | undefined;
  readonly lock: boolean;
  readonly lockWaitMs: number;
  readonly maxBytes: number;
  readonly trustProxy: boolean;
  /** Encryption secrets, the one that encrypts first; empty when values are stored in clear. */
  readonly secrets: readonly string[];
  /** Every variable that was visible, for backend packages that read settings of their own. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: SessionLogger;
}

/** RFC 6265 cookie-name characters (an HTTP token). */
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const DEFAULT_TTL_SECONDS = 3600;
const DEFAULT_LOCK_WAIT_MS = 5000;
const DEFAULT_MAX_BYTES = 1024 * 1024;
/** An encryption secret shorter than this is more likely a mistake than a key. */
const MIN_SECRET_LENGTH = 16;

/**
 * Resolves the configuration from code options, the environment and `.env`, and validates it.
 * Throws {@link SessionConfigError} naming the variable and the allowed values on bad input, so
 * that a misconfigured app fails at start-up rather than on its first request.
 */
export function resolveSessionConfig(options: SessionOptions = {}): SessionConfig {
  const env = options.env
    ? { ...(options.envFile === false ? {} : readEnvFile(options.envFile)), ...options.env }
    : loadEnvironment(options.envFile);
  const read = <T>(name: string, given: T | undefined, parse: (raw: string) => T): T | undefined => {
    if (given !== undefined) return given;
    const raw = env[name];
    return raw === undefined || raw === '' ? undefined : parse(raw);
  };

  const backend =
    read('TINA4_SESSION_BACKEND', options.backend, (raw) =>
      parseChoice('TINA4_SESSION_BACKEND', raw, SESSION_BACKENDS),
    ) ?? 'file';
  const ttlSeconds =
    read('TINA4_SESSION_TTL', options.ttl, (raw) =>
      parsePositiveInteger('TINA4_SESSION_TTL', raw, 'seconds'),
    ) ?? DEFAULT_TTL_SECONDS;
  const secure: boolean | 'auto' =
    read('TINA4_SESSION_SECURE', options.secure, (raw) =>
      raw.trim().toLowerCase() === 'auto' ? 'auto' : parseBoolean('TINA4_SESSION_SECURE', raw, 'auto'),
    ) ?? false;
  const httpOnly =
    read('TINA4_SESSION_HTTPONLY', options.httpOnly, (raw) => parseBoolean('TINA4_SESSION_HTTPONLY', raw)) ??
    true;
  const sameSite =
    read('TINA4_SESSION_SAMESITE', options.sameSite, (raw) =>
      parseChoice('TINA4_SESSION_SAMESITE', raw, SAME_SITE_VALUES),
    ) ?? 'Lax';
  const cookieName =
    read('TINA4_SESSION_NAME', options.cookieName, (raw) => parseNonEmpty('TINA4_SESSION_NAME', raw)) ??
    'tina4_session';

  validateTtl(ttlSeconds);
  if (!COOKIE_NAME.test(cookieName)) {
    throw new SessionConfigError(
      `TINA4_SESSION_NAME="${cookieName}" is not a valid cookie name. Use letters, digits and !#$%&'*+-.^_\`|~ only.`,
    );
  }
  if (!SAME_SITE_VALUES.includes(sameSite)) {
    throw new SessionConfigError(
      `sameSite "${sameSite}" is not valid. Use one of: ${SAME_SITE_VALUES.join(', ')}.`,
    );
  }
  if (sameSite === 'None' && !secure) {
    throw new SessionConfigError(
      'TINA4_SESSION_SAMESITE=None requires a Secure cookie: browsers reject SameSite=None cookies without it. ' +
        'Set TINA4_SESSION_SECURE=true (and serve the app over HTTPS), or use SameSite=Lax.',
    );
  }

  const port = read('TINA4_SESSION_PORT', options.port, (raw) =>
    parsePositiveInteger('TINA4_SESSION_PORT', raw, 'port', 65535),
  );
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
    throw new SessionConfigError(`port ${port} is not valid. Use a whole number from 1 to 65535.`);
  }

  return {
    backend,
    store: options.store,
    ttlSeconds,
    cookie: { name: cookieName, path: '/', secure, httpOnly, sameSite, domain: options.cookieDomain },
    filePath: resolve(read('TINA4_SESSION_PATH', options.path, (raw) => raw.trim()) ?? 'sessions'),
    host: read('TINA4_SESSION_HOST', options.host, (raw) => raw.trim()),
    port,
    password: read('TINA4_SESSION_PASSWORD', options.password, (raw) => raw),
    database: read('TINA4_SESSION_DATABASE', options.database, (raw) => raw.trim()),
    databaseUrl: options.databaseUrl ?? nonEmpty(env.DATABASE_URL) ?? nonEmpty(env.TINA4_DATABASE_URL),
    lock: read('TINA4_SESSION_LOCK', options.lock, (raw) => parseBoolean('TINA4_SESSION_LOCK', raw)) ?? false,
    lockWaitMs:
      read('TINA4_SESSION_LOCK_WAIT', options.lockWait, (raw) =>
        parsePositiveInteger('TINA4_SESSION_LOCK_WAIT', raw, 'milliseconds'),
      ) ?? DEFAULT_LOCK_WAIT_MS,
    trustProxy:
      read('TINA4_SESSION_TRUST_PROXY', options.trustProxy, (raw) =>
        parseBoolean('TINA4_SESSION_TRUST_PROXY', raw),
      ) ?? false,
    secrets: parseSecrets(options.secret ?? env.TINA4_SESSION_SECRET),
    maxBytes:
      read('TINA4_SESSION_MAX_BYTES', options.maxBytes, (raw) =>
        parsePositiveInteger('TINA4_SESSION_MAX_BYTES', raw, 'bytes'),
      ) ?? DEFAULT_MAX_BYTES,
    env,
    logger: options.logger ?? console,
  };
}

function validateTtl(ttlSeconds: number): void {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) {
    throw new SessionConfigError(`ttl ${ttlSeconds} is not valid. Use a whole number of seconds, 1 or more.`);
  }
}

function parseSecrets(given: string | readonly string[] | undefined): readonly string[] {
  if (given === undefined) return [];
  const secrets = (typeof given === 'string' ? given.split(',') : [...given]).map((secret) => secret.trim());
  const usable = secrets.filter((secret) => secret !== '');
  for (const secret of usable) {
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new SessionConfigError(
        `TINA4_SESSION_SECRET holds a secret of ${secret.length} characters; use at least ${MIN_SECRET_LENGTH} ` +
          '(e.g. the output of `openssl rand -base64 32`). Separate several secrets with commas.',
      );
    }
  }
  return usable;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
