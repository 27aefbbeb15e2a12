/**
 * Errors raised by the session library. Each carries a stable `code` (`E_*`) that applications,
 * logs and the library itself match on, rather than on classes or messages: an app that ends up
 * with two installed copies of the core still sorts its errors correctly.
 */
export abstract class SessionError extends Error {
  abstract readonly code: SessionErrorCode;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The codes of {@link SessionError}s. */
export type SessionErrorCode =
  | 'E_SESSION_CONFIG'
  | 'E_SESSION_BACKEND_NOT_INSTALLED'
  | 'E_SESSION_STORE_UNAVAILABLE'
  | 'E_SESSION_LOCK_TIMEOUT'
  | 'E_SESSION_TOO_LARGE';

/**
 * The library's error code of `error` (a {@link SessionError} from any installed copy of the core,
 * or from another realm), or `undefined` for any other value.
 */
export function sessionErrorCode(error: unknown): SessionErrorCode | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && CODES.has(code) && error instanceof Object
    ? (code as SessionErrorCode)
    : undefined;
}

/** Whether `error` is a session error, optionally one with `code`. */
export function isSessionError(error: unknown, code?: SessionErrorCode): error is SessionError {
  const actual = sessionErrorCode(error);
  return actual !== undefined && (code === undefined || actual === code);
}

const CODES: ReadonlySet<string> = new Set<SessionErrorCode>([
  'E_SESSION_CONFIG',
  'E_SESSION_BACKEND_NOT_INSTALLED',
  'E_SESSION_STORE_UNAVAILABLE',
  'E_SESSION_LOCK_TIMEOUT',
  'E_SESSION_TOO_LARGE',
]);

/** A `TINA4_SESSION_*` setting (or its in-code equivalent) has a value the library cannot use. */
export class SessionConfigError extends SessionError {
  readonly code = 'E_SESSION_CONFIG';
}

/** The package of the chosen backend is not installed; the message gives the install command. */
export class SessionBackendNotInstalledError extends SessionError {
  readonly code = 'E_SESSION_BACKEND_NOT_INSTALLED';

  constructor(
    readonly backend: string,
    readonly installCommand: string,
    options?: ErrorOptions,
  ) {
    super(
      `The "${backend}" session backend needs packages that are not installed. Run: ${installCommand}`,
      options,
    );
  }
}

/**
 * The session store could not be reached, answered with an error or did not answer in time.
 * Adapters turn it into a 503 response: the request fails clearly and the process keeps serving.
 */
export class SessionStoreUnavailableError extends SessionError {
  readonly code = 'E_SESSION_STORE_UNAVAILABLE';

  constructor(
    readonly store: string,
    readonly operation: string,
    options?: ErrorOptions & { readonly location?: string | undefined },
  ) {
    const where = options?.location ? ` (${options.location})` : '';
    super(`Session store "${store}"${where} failed to ${operation}${describeCause(options?.cause)}`, options);
  }
}

/** Another request of the same session held its lock for longer than the configured wait. */
export class SessionLockTimeoutError extends SessionError {
  readonly code = 'E_SESSION_LOCK_TIMEOUT';

  constructor(readonly waitMs: number) {
    super(
      `Another request of this session held its lock for more than ${waitMs} ms. ` +
        'Retry the request, or raise TINA4_SESSION_LOCK_WAIT.',
    );
  }
}

/** The session's data would exceed `TINA4_SESSION_MAX_BYTES`. Nothing was changed. */
export class SessionTooLargeError extends SessionError {
  readonly code = 'E_SESSION_TOO_LARGE';

  constructor(
    readonly key: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(
      `Session data would grow to ${bytes} bytes with key "${key}", over the limit of ${limit} bytes ` +
        '(TINA4_SESSION_MAX_BYTES). Store less in the session (an id instead of a whole record), or raise the limit.',
    );
  }
}

/** ": <message>" of an error-like cause (from any realm: `instanceof Error` fails across vm contexts). */
function describeCause(cause: unknown): string {
  const message = (cause as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' && message !== '' ? `: ${message}` : '';
}
