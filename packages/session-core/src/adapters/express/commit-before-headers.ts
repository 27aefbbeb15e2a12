import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Session } from '../../session.js';
import { sessionStateOf } from '../../session.js';
import type { SessionManager } from '../../session-manager.js';
import { sessionErrorResponse } from '../error-response.js';
import { appendSetCookie } from './response-cookies.js';

/** What a response needs to commit its session; kept on the response under a symbol. */
interface Binding {
  readonly session: Session;
  readonly manager: SessionManager;
  readonly writeHead: ServerResponse['writeHead'];
  readonly end: ServerResponse['end'];
  cookieWritten: boolean;
  ending: boolean;
}

const BINDING = Symbol('tina4.session.binding');
type BoundResponse = ServerResponse & { [BINDING]: Binding };

/**
 * Makes the response commit the session before it completes, however the handler ends it
 * (`res.json`, `res.redirect`, `res.end`, a stream, an error handler):
 *
 * - `writeHead` (which Node also calls implicitly) adds the session's `Set-Cookie`;
 * - `end` waits for the store write before the last bytes go out, so a client that follows a
 *   redirect always finds the data. If the write fails and the headers are still unsent, the
 *   response becomes a 503 instead; if a streamed response already sent them, it is aborted
 *   rather than completed as if the data were saved.
 *
 * The replacement methods are shared functions (no closures per request), and a response whose
 * session has nothing to commit ends synchronously, as if the middleware were not there.
 */
export function commitBeforeHeaders(res: ServerResponse, session: Session, manager: SessionManager): void {
  const bound = res as BoundResponse;
  bound[BINDING] = {
    session,
    manager,
    writeHead: res.writeHead,
    end: res.end,
    cookieWritten: false,
    ending: false,
  };
  res.writeHead = writeHeadWithCookie as ServerResponse['writeHead'];
  res.end = endAfterCommit as ServerResponse['end'];
  // A client that goes away before the response ends must not keep the session locked.
  if (sessionStateOf(session).releaseLock) res.once('close', releaseOnClose);
}

function writeHeadWithCookie(this: BoundResponse, ...args: unknown[]): ServerResponse {
  const binding = this[BINDING];
  const headers = args.find((arg) => typeof arg === 'object' && arg !== null && !Array.isArray(arg));
  addSessionCookie(this, binding, headers as OutgoingHttpHeaders | undefined);
  return (binding.writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
}

function endAfterCommit(this: BoundResponse, ...args: unknown[]): ServerResponse {
  const binding = this[BINDING];
  const end = binding.end as (...a: unknown[]) => ServerResponse;
  if (binding.ending) return this;
  binding.ending = true;
  const state = sessionStateOf(binding.session);
  if (!state.hasPendingWork() && !state.releaseLock) return end.apply(this, args);

  const { manager, session } = binding;
  const releaseLock = (): void => {
    if (state.releaseLock) void manager.release(session);
  };
  manager.commit(session).then(
    () => {
      try {
        end.apply(this, args);
      } finally {
        releaseLock();
      }
    },
    (error: unknown) => {
      try {
        failCommit(this, binding, error);
      } finally {
        releaseLock();
      }
    },
  );
  return this;
}

function releaseOnClose(this: BoundResponse): void {
  const { manager, session } = this[BINDING];
  void manager.release(session);
}

function addSessionCookie(
  res: ServerResponse,
  binding: Binding,
  headers: OutgoingHttpHeaders | undefined,
): void {
  if (binding.cookieWritten) return;
  binding.cookieWritten = true;
  const cookie = binding.manager.setCookieHeader(binding.session);
  if (cookie === undefined) return;
  const key = headers && Object.keys(headers).find((name) => name.toLowerCase() === 'set-cookie');
  if (headers && key !== undefined) {
    const current = headers[key];
    headers[key] = [...(Array.isArray(current) ? current : [String(current)]), cookie];
  } else {
    appendSetCookie(res, cookie);
  }
}

function failCommit(res: ServerResponse, binding: Binding, error: unknown): void {
  if (res.headersSent) {
    res.destroy(error instanceof Error ? error : new Error(String(error)));
    return;
  }
  const response = sessionErrorResponse(error) ?? {
    status: 500,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    body: 'Internal Server Error',
  };
  binding.cookieWritten = true; // the session was not saved: no cookie for it
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  res.statusCode = response.status;
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  (binding.end as (...a: unknown[]) => ServerResponse).call(res, response.body);
}
