import {
  createMemoryStore,
  RequestSession,
  resolveSessionConfig,
  SessionManager,
  type SessionOptions,
  type SessionStore,
} from '../../src/index.js';

/** A manager on a fresh memory store, isolated from the process environment and `.env`. */
export function memoryManager(
  options: SessionOptions = {},
  store: SessionStore = createMemoryStore(),
): SessionManager {
  return new SessionManager(resolveSessionConfig({ envFile: false, env: {}, ...options }), store);
}

/** A request with this `Cookie` header, as an adapter begins it. */
export async function openRequest(manager: SessionManager, cookie?: string): Promise<RequestSession> {
  return RequestSession.begin(manager, cookie, false);
}

/** Ends a request as an adapter does; resolves the `Set-Cookie` value it owed. */
export async function finishRequest(request: RequestSession): Promise<string | undefined> {
  try {
    return await request.finish();
  } finally {
    await request.release();
  }
}

/** The `Cookie` header a browser would send back after `setCookie`. */
export function cookieFrom(setCookie: string | undefined): string | undefined {
  return setCookie?.split(';')[0];
}
