import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { sessionHttpError } from '../../http/error-response.js';
import type { RequestSession } from '../../http/request-session.js';
import { appHandlesErrors } from './error-handling.js';
import { appendSetCookie } from './response-cookies.js';

/** What a response needs to commit its session; kept on the response under a symbol. */
interface Binding {
  readonly request: RequestSession;
  readonly writeHead: ServerResponse['writeHead'];
  readonly write: ServerResponse['write'];
  readonly end: ServerResponse['end'];
  readonly flushHeaders: ServerResponse['flushHeaders'];
  /** The request and its `next`: a failed commit goes to the app's error pages, if it has any. */
  readonly req: IncomingMessage | undefined;
  readonly next: ((error?: unknown) => unknown) | undefined;
  ending: boolean;
  /** Send the headers now even though the commit has not run (a body starts streaming). */
  flushing: boolean;
}

const BINDING = Symbol('tina4.session.binding');
type BoundResponse = ServerResponse & { [BINDING]: Binding };

/**
 * Makes the response commit the session before it completes, however the handler ends it
 * (`res.json`, `res.redirect`, `res.end`, a stream, an error handler):
 *
 * - `end` waits for the store write before the headers and last bytes go out, so a client that
 *   follows a redirect always finds the data. If the write fails and the headers are still unsent,
 *   the response becomes a 503 instead; if a streamed response already sent them, it is aborted
 *   rather than completed as if the data were saved.
 * - `writeHead` (which Node also calls implicitly) adds the session's `Set-Cookie`. Called by the
 *   handler while a commit is still due (`res.writeHead(200, headers).end(body)`), it only records
 *   the status and headers: they go out with the cookie once the commit has shown which cookie the
 *   response owes (none, if another request ended the session meanwhile).
 * - `write` and `flushHeaders` send recorded headers first: a streamed body cannot wait for the
 *   commit, so its cookie is the one the session owes before it.
 *
 * The replacement methods are shared functions (no closures per request), and a response whose
 * session has nothing to commit ends synchronously, as if the middleware were not there.
 */
export function commitBeforeHeaders(
  res: ServerResponse,
  request: RequestSession,
  req?: IncomingMessage,
  next?: (error?: unknown) => unknown,
): void {
  const bound = res as BoundResponse;
  bound[BINDING] = {
    request,
    req,
    next,
    writeHead: res.writeHead,
    write: res.write,
    end: res.end,
    flushHeaders: res.flushHeaders,
    ending: false,
    flushing: false,
  };
  res.writeHead = writeHeadWithCookie as ServerResponse['writeHead'];
  res.write = writeAfterHeaders as ServerResponse['write'];
  res.flushHeaders = flushHeadersNow;
  res.end = endAfterCommit as ServerResponse['end'];
  // A client that goes away before the response ends must not keep the session locked.
  if (request.holdsLock) res.once('close', releaseOnClose);
}

function writeHeadWithCookie(this: BoundResponse, ...args: unknown[]): ServerResponse {
  const binding = this[BINDING];
  if (!binding.ending && !binding.flushing && binding.request.hasPendingWork && !this.headersSent) {
    recordHead(this, args);
    return this;
  }
  const headers = args.find((arg) => typeof arg === 'object' && arg !== null && !Array.isArray(arg));
  addSessionCookie(this, binding.request.takeSetCookie(), headers as OutgoingHttpHeaders | undefined);
  return (binding.writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
}

function writeAfterHeaders(this: BoundResponse, ...args: unknown[]): boolean {
  const binding = this[BINDING];
  sendHeadersNow(this, binding);
  return (binding.write as (...a: unknown[]) => boolean).apply(this, args);
}

function flushHeadersNow(this: BoundResponse): void {
  const binding = this[BINDING];
  sendHeadersNow(this, binding);
  binding.flushHeaders.call(this);
}

function sendHeadersNow(res: BoundResponse, binding: Binding): void {
  if (res.headersSent) return;
  binding.flushing = true;
  try {
    res.writeHead(res.statusCode);
  } finally {
    binding.flushing = false;
  }
}

/**
 * What `writeHead(status, [message], [headers])` does to the response, without sending it: the
 * headers it is given replace those set before, as Node's own `writeHead` has them take precedence.
 */
function recordHead(res: ServerResponse, args: unknown[]): void {
  const [status, second, third] = args;
  if (typeof status === 'number') res.statusCode = status;
  if (typeof second === 'string') res.statusMessage = second;
  const headers = typeof second === 'string' ? third : second;
  if (Array.isArray(headers)) {
    // Raw `[name, value, name, value, ...]`: a repeated name keeps all its values.
    const collected = new Map<string, string[]>();
    for (let index = 0; index + 1 < headers.length; index += 2) {
      const name = String(headers[index]).toLowerCase();
      collected.set(name, [...(collected.get(name) ?? []), String(headers[index + 1])]);
    }
    for (const [name, values] of collected) res.setHeader(name, values.length === 1 ? values[0]! : values);
  } else if (typeof headers === 'object' && headers !== null) {
    for (const [name, value] of Object.entries(headers as OutgoingHttpHeaders)) {
      if (value !== undefined) res.setHeader(name, value);
    }
  }
}

function endAfterCommit(this: BoundResponse, ...args: unknown[]): ServerResponse {
  const binding = this[BINDING];
  const end = binding.end as (...a: unknown[]) => ServerResponse;
  if (binding.ending) return this;
  binding.ending = true;
  const { request } = binding;
  if (!request.hasPendingWork && !request.holdsLock) {
    request.close();
    return end.apply(this, args);
  }

  request.save().then(
    () => {
      request.close();
      try {
        end.apply(this, args);
      } finally {
        releaseLock(request);
      }
    },
    (error: unknown) => {
      try {
        failCommit(this, binding, error);
      } finally {
        releaseLock(request);
      }
    },
  );
  return this;
}

/** Lets the session's next request in, if this one holds the lock (most hold none: no promise then). */
function releaseLock(request: RequestSession): void {
  if (request.holdsLock) void request.release();
}

function releaseOnClose(this: BoundResponse): void {
  void this[BINDING].request.release();
}

function addSessionCookie(
  res: ServerResponse,
  cookie: string | undefined,
  headers: OutgoingHttpHeaders | undefined,
): void {
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
  binding.request.takeSetCookie(); // the session was not saved: no cookie for it
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  const httpError = sessionHttpError(error);
  if (httpError && binding.req && binding.next && appHandlesErrors(binding.req)) {
    // The app's error page replaces the handler's response: the response is the app's again.
    res.writeHead = binding.writeHead;
    res.write = binding.write;
    res.end = binding.end;
    res.flushHeaders = binding.flushHeaders;
    binding.next(httpError);
    return;
  }
  const response = httpError?.toResponse() ?? {
    status: 500,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    body: 'Internal Server Error',
  };
  res.statusCode = response.status;
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  (binding.end as (...a: unknown[]) => ServerResponse).call(res, response.body);
}
