import { type SessionErrorCode, sessionErrorCode } from '../errors.js';

/** What an adapter sends when a request cannot have its session and the app has no error page of its own. */
export interface SessionErrorResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * A session failure as frameworks' error handling expects it (Express's `next(err)`, Fastify's
 * error handler, Hono's `onError`): `status`/`statusCode` 503 (500 for a misconfiguration),
 * `headers` with `Retry-After` for a 503, the library's stable `code`, and a message safe to show
 * (`expose`); the store's own error, with hosts and causes for the log, is its `cause`.
 */
export class SessionHttpError extends Error {
  readonly status: number;
  readonly statusCode: number;
  readonly code: SessionErrorCode;
  readonly headers: Readonly<Record<string, string>>;
  readonly expose = true;
  /** The JSON body of the library's default response. */
  readonly body: string;

  constructor(code: SessionErrorCode, status: number, message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'SessionHttpError';
    this.code = code;
    this.status = status;
    this.statusCode = status;
    this.headers = status === 503 ? { 'retry-after': '1' } : {};
    this.body = JSON.stringify({ error: message, code });
  }

  /** The library's default response: today's JSON, with `Cache-Control: no-store`. */
  toResponse(): SessionErrorResponse {
    return {
      status: this.status,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
        ...this.headers,
      },
      body: this.body,
    };
  }
}

/**
 * The HTTP form of a session failure. Store outages and lock timeouts are 503s with `Retry-After`:
 * the client may retry, the process keeps serving. Details (hosts, causes) go to the log, not to
 * the client. Anything else (a programming error) gives `undefined`: the caller passes it on to the
 * framework's own error handling as it is. Errors are recognised by their stable `code`.
 */
export function sessionHttpError(error: unknown): SessionHttpError | undefined {
  const code = sessionErrorCode(error);
  switch (code) {
    case 'E_SESSION_STORE_UNAVAILABLE':
      return new SessionHttpError(
        code,
        503,
        'The session store is unavailable. Please retry shortly.',
        error,
      );
    case 'E_SESSION_LOCK_TIMEOUT':
      return new SessionHttpError(
        code,
        503,
        'Another request of this session is still running. Please retry.',
        error,
      );
    case 'E_SESSION_BACKEND_NOT_INSTALLED':
    case 'E_SESSION_CONFIG':
      return new SessionHttpError(
        code,
        500,
        'Sessions are not configured correctly; see the server log.',
        error,
      );
    default:
      return undefined;
  }
}

/** The library's default response for a session failure, or `undefined` for any other error. */
export function sessionErrorResponse(error: unknown): SessionErrorResponse | undefined {
  return sessionHttpError(error)?.toResponse();
}
