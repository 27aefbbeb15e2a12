/**
 * Errors raised by the session library. Each carries a stable `code` (`E_*`) that
 * applications and logs can match on without parsing messages.
 */
export abstract class SessionError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

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
 * The session store could not be reached or answered with an error. Adapters turn it into a
 * 503 response: the request fails clearly, the process keeps serving, and nothing stored is touched.
 */
export class SessionStoreUnavailableError extends SessionError {
  readonly code = 'E_SESSION_STORE_UNAVAILABLE';

  constructor(
    readonly store: string,
    readonly operation: string,
    options?: ErrorOptions,
  ) {
    super(`Session store "${store}" failed to ${operation}${describeCause(options?.cause)}`, options);
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
