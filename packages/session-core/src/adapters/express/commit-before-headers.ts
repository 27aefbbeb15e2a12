import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Session } from '../../session.js';
import type { SessionManager } from '../../session-manager.js';
import { sessionErrorResponse } from '../error-response.js';
import { appendSetCookie } from './response-cookies.js';

/**
 * Makes the response commit the session before it completes, however the handler ends it
 * (`res.json`, `res.redirect`, `res.end`, a stream, an error handler):
 *
 * - `writeHead` (which Node also calls implicitly) adds the session's `Set-Cookie`;
 * - `end` waits for the store write before the last bytes go out, so a client that follows a
 *   redirect always finds the data. If the write fails and the headers are still unsent, the
 *   response becomes a 503 instead; if a streamed response already sent them, it is aborted
 *   rather than completed as if the data were saved.
 */
export function commitBeforeHeaders(res: ServerResponse, session: Session, manager: SessionManager): void {
  const writeHead = res.writeHead;
  const end = res.end;
  let cookieWritten = false;
  let ending = false;

  const addSessionCookie = (headers: OutgoingHttpHeaders | undefined): void => {
    if (cookieWritten) return;
    cookieWritten = true;
    const cookie = manager.setCookieHeader(session);
    if (cookie === undefined) return;
    const key = headers && Object.keys(headers).find((name) => name.toLowerCase() === 'set-cookie');
    if (headers && key !== undefined) {
      const current = headers[key];
      headers[key] = [...(Array.isArray(current) ? current : [String(current)]), cookie];
    } else {
      appendSetCookie(res, cookie);
    }
  };

  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    const headers = args.find((arg) => typeof arg === 'object' && arg !== null && !Array.isArray(arg));
    addSessionCookie(headers as OutgoingHttpHeaders | undefined);
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse['writeHead'];

  res.end = function (this: ServerResponse, ...args: unknown[]) {
    if (ending) return this;
    ending = true;
    manager
      .commit(session)
      .then(
        () => (end as (...a: unknown[]) => ServerResponse).apply(res, args),
        (error: unknown) => failCommit(res, end, error, () => (cookieWritten = true)),
      )
      .finally(() => manager.release(session));
    return this;
  } as ServerResponse['end'];

  // A client that goes away before the response ends must not keep the session locked.
  res.once('close', () => void manager.release(session));
}

function failCommit(
  res: ServerResponse,
  end: ServerResponse['end'],
  error: unknown,
  skipCookie: () => void,
): void {
  if (res.headersSent) {
    res.destroy(error instanceof Error ? error : new Error(String(error)));
    return;
  }
  let response: ReturnType<typeof sessionErrorResponse>;
  try {
    response = sessionErrorResponse(error);
  } catch {
    response = {
      status: 500,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: 'Internal Server Error',
    };
  }
  skipCookie();
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  res.statusCode = response.status;
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  (end as (...a: unknown[]) => ServerResponse).call(res, response.body);
}
