import {
  createMemoryStore,
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

/** The `Cookie` header a browser would send back after `setCookie`. */
export function cookieFrom(setCookie: string | undefined): string | undefined {
  return setCookie?.split(';')[0];
}
