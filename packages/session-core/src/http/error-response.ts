import { sessionErrorCode } from '../errors.js';

/** What an adapter sends when a request cannot have its session. */
export interface SessionErrorResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * The response for a session failure. Store outages and lock timeouts are 503s with `Retry-After`:
 * the client may retry, the process keeps serving. Details (hosts, causes) go to the log, not to
 * the client. Anything else (a programming error) gives `undefined`: the caller passes it on to the
 * framework's own error handling. Errors are recognised by their stable `code`.
 */
export function sessionErrorResponse(error: unknown): SessionErrorResponse | undefined {
  const code = sessionErrorCode(error);
  switch (code) {
    case 'E_SESSION_STORE_UNAVAILABLE':
      return json(503, { error: 'The session store is unavailable. Please retry shortly.', code });
    case 'E_SESSION_LOCK_TIMEOUT':
      return json(503, { error: 'Another request of this session is still running. Please retry.', code });
    case 'E_SESSION_BACKEND_NOT_INSTALLED':
    case 'E_SESSION_CONFIG':
      return json(500, { error: 'Sessions are not configured correctly; see the server log.', code });
    default:
      return undefined;
  }
}

function json(status: number, payload: { error: string; code: string }): SessionErrorResponse {
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  };
  if (status === 503) headers['retry-after'] = '1';
  return { status, headers, body: JSON.stringify(payload) };
}
