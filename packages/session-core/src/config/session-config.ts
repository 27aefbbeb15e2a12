import { resolve } from 'node:path';
import { SessionConfigError } from '../errors.js';
import type { SessionLogger } from '../logger.js';
import type { SessionStore } from '../store-kit/session-store.js';
import { loadEnvironment, readEnvFile } from './env-file.js';
import { checkInteger, parseBoolean, parseChoice, parseInteger, parseNonEmpty } from './parse-setting.js';
import { readSetting, type SettingsEnv } from './read-setting.js';

export const SESSION_BACKENDS = ['file', 'memory', 'redis', 'valkey', 'mongodb', 'database'] as const;
export type SessionBackend = (typeof SESSION_BACKENDS)[number];

export const SAME_SITE_VALUES = ['Strict', 'Lax', 'None'] as const;
export type SameSite = (typeof SAME_SITE_VALUES)[number];

export type { SessionLogger } from '../logger.js';

/**
 * Settings of the backend packages, one entry per backend (`redis`, `valkey`, `mongodb`,
 * `database`). Each package adds its own entry to this interface, so that
 * `sessions({ redis: { prefix: 'app:' } })` is typed once the package's types are visible
 * (`import type {} from '@tina4/session-redis'`).
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the backend packages (declaration merging).
export interface BackendOptions {}

/**
 * Settings given in code. Each one overrides its `TINA4_SESSION_*` variable, which in turn
 * overrides the same variable in `.env`.
 */
export interface SessionOptions extends BackendOptions {
  /** `TINA4_SESSION_BACKEND`: file (default), memory, redis, valkey, mongodb, database. */
  backend?: SessionBackend;
  /** A ready store instance; when given, `backend` and its connection settings are ignored. */
  store?: SessionStore;
  /** `TINA4_SESSION_TTL`: lifetime in seconds of an idle session (default 3600, at most 400 days). */
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
  /** `TINA4_SESSION_DOMAIN`: the cookie's `Domain` attribute (default: none, the cookie belongs to the exact host). */
  cookieDomain?: string;
  /** `TINA4_SESSION_PATH`: the file store's directory (default `./sessions`). */
  path?: string;
  /** `TINA4_SESSION_LOCK`: run the requests of one session one after another (default false). */
  lock?: boolean;
  /** `TINA4_SESSION_LOCK_WAIT`: milliseconds to wait for a session's lock (default 5000). */
  lockWait?: number;
  /** `TINA4_SESSION_STORE_TIMEOUT`: milliseconds a store operation may take before the request gets a 503 (default 2000). */
  storeTimeout?: number;
  /**
   * `TINA4_SESSION_REQUIRE_STORE` (default false): refuse to start (`ready` rejects) when the store
   * cannot be reached at start-up, instead of starting and answering 503 until it can.
   */
  requireStore?: boolean;
  /** `TINA4_SESSION_MAX_BYTES`: largest session, as stored JSON (default 1 MiB). */
  maxBytes?: number;
  /**
   * `TINA4_SESSION_MAX_SESSIONS`: most sessions the memory store keeps (default 10 000, the least
   * recently used dropped beyond) or the file store's directory holds (default: no bound; new
   * sessions refused beyond). Server-backed stores are bounded by their servers' own settings.
   */
  maxSessions?: number;
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

/** The resolved configuration: every setting of the core has its final value. */
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
  readonly lock: boolean;
  readonly lockWaitMs: number;
  readonly storeTimeoutMs: number;
  readonly requireStore: boolean;
  readonly maxBytes: number;
  /** `undefined`: the store's own default. */
  readonly maxSessions: number | undefined;
  readonly trustProxy: boolean;
  /** Encryption secrets, the one that encrypts first; empty when values are stored in clear. */
  readonly secrets: readonly string[];
  /** The code options as given, for backend packages, which read their own entry (`options.redis`, ...). */
  readonly options: Readonly<SessionOptions>;
  /** Every variable that was visible, for backend packages that read settings of their own. */
  readonly env: SettingsEnv;
  readonly logger: SessionLogger;
}

/** RFC 6265 cookie-name characters (an HTTP token). */
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const DEFAULT_TTL_SECONDS = 3600;
/** Browsers cap a cookie's lifetime at 400 days; a longer session could not keep its cookie. */
const MAX_TTL_SECONDS = 400 * 24 * 3600;
const DEFAULT_LOCK_WAIT_MS = 5000;
const DEFAULT_STORE_TIMEOUT_MS = 2000;
/** Ten minutes: a request that waits longer for its session has long been given up by its client. */
const MAX_WAIT_MS = 600_000;
const DEFAULT_MAX_BYTES = 1024 * 1024;
const MAX_MAX_BYTES = 256 * 1024 * 1024;
const MAX_MAX_SESSIONS = 1_000_000_000;
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
  const integer = (
    name: string,
    given: number | undefined,
    unit: string,
    fallback: number,
    bounds: { min?: number; max?: number },
  ): number =>
    given !== undefined
      ? checkInteger(`${name} (in code)`, given, unit, bounds)
      : (readSetting(env, name, (raw) => parseInteger(name, raw, unit, bounds)) ?? fallback);

  const backend =
    readSetting(
      env,
      'TINA4_SESSION_BACKEND',
      (raw, name) => parseChoice(name, raw, SESSION_BACKENDS),
      options.backend,
    ) ?? 'file';
  const ttlSeconds = integer('TINA4_SESSION_TTL', options.ttl, 'seconds', DEFAULT_TTL_SECONDS, {
    max: MAX_TTL_SECONDS,
  });
  const secure: boolean | 'auto' =
    readSetting(
      env,
      'TINA4_SESSION_SECURE',
      (raw, name) => (raw.trim().toLowerCase() === 'auto' ? 'auto' : parseBoolean(name, raw, 'auto')),
      options.secure,
    ) ?? false;
  const httpOnly =
    readSetting(env, 'TINA4_SESSION_HTTPONLY', (raw, name) => parseBoolean(name, raw), options.httpOnly) ??
    true;
  const sameSite =
    readSetting(
      env,
      'TINA4_SESSION_SAMESITE',
      (raw, name) => parseChoice(name, raw, SAME_SITE_VALUES),
      options.sameSite,
    ) ?? 'Lax';
  const cookieName =
    readSetting(env, 'TINA4_SESSION_NAME', (raw, name) => parseNonEmpty(name, raw), options.cookieName) ??
    'tina4_session';
  const domain = readSetting(
    env,
    'TINA4_SESSION_DOMAIN',
    (raw, name) => parseNonEmpty(name, raw),
    options.cookieDomain,
  );

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

  return {
    backend,
    store: options.store,
    ttlSeconds,
    cookie: { name: cookieName, path: '/', secure, httpOnly, sameSite, domain },
    filePath: resolve(
      readSetting(env, 'TINA4_SESSION_PATH', (raw) => raw.trim(), options.path) ?? 'sessions',
    ),
    lock:
      readSetting(env, 'TINA4_SESSION_LOCK', (raw, name) => parseBoolean(name, raw), options.lock) ?? false,
    lockWaitMs: integer('TINA4_SESSION_LOCK_WAIT', options.lockWait, 'milliseconds', DEFAULT_LOCK_WAIT_MS, {
      max: MAX_WAIT_MS,
    }),
    storeTimeoutMs: integer(
      'TINA4_SESSION_STORE_TIMEOUT',
      options.storeTimeout,
      'milliseconds',
      DEFAULT_STORE_TIMEOUT_MS,
      { max: MAX_WAIT_MS },
    ),
    requireStore:
      readSetting(
        env,
        'TINA4_SESSION_REQUIRE_STORE',
        (raw, name) => parseBoolean(name, raw),
        options.requireStore,
      ) ?? false,
    trustProxy:
      readSetting(
        env,
        'TINA4_SESSION_TRUST_PROXY',
        (raw, name) => parseBoolean(name, raw),
        options.trustProxy,
      ) ?? false,
    secrets: parseSecrets(options.secret ?? nonEmptyRaw(env.TINA4_SESSION_SECRET)),
    maxBytes: integer('TINA4_SESSION_MAX_BYTES', options.maxBytes, 'bytes', DEFAULT_MAX_BYTES, {
      max: MAX_MAX_BYTES,
    }),
    maxSessions:
      options.maxSessions !== undefined
        ? checkInteger('TINA4_SESSION_MAX_SESSIONS (in code)', options.maxSessions, 'sessions', {
            max: MAX_MAX_SESSIONS,
          })
        : readSetting(env, 'TINA4_SESSION_MAX_SESSIONS', (raw, name) =>
            parseInteger(name, raw, 'sessions', { max: MAX_MAX_SESSIONS }),
          ),
    options,
    env,
    logger: options.logger ?? console,
  };
}

/**
 * The encryption secrets. A value that is set but yields no usable secret (only spaces, only
 * commas, an empty entry between commas) is an error: silently storing sessions in clear when the
 * operator asked for encryption would be the worst reading of it.
 */
function parseSecrets(given: string | readonly string[] | undefined): readonly string[] {
  if (given === undefined) return [];
  const secrets = (typeof given === 'string' ? given.split(',') : [...given]).map((secret) => secret.trim());
  if (secrets.length === 0 || secrets.some((secret) => secret === '')) {
    throw new SessionConfigError(
      'TINA4_SESSION_SECRET is set but holds an empty secret (only spaces, or an empty entry between commas). ' +
        'Give one secret, or several separated by commas, each at least 16 characters; or unset it to store sessions unencrypted.',
    );
  }
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new SessionConfigError(
        `TINA4_SESSION_SECRET holds a secret of ${secret.length} characters; use at least ${MIN_SECRET_LENGTH} ` +
          '(e.g. the output of `openssl rand -base64 32`). Separate several secrets with commas.',
      );
    }
  }
  return secrets;
}

/** The variable's raw text unless it is unset or exactly empty (`TINA4_SESSION_SECRET=` in `.env`). */
function nonEmptyRaw(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
