import { resolveSessionConfig } from '../config/session-config.js';
import { RequestSession } from '../http/request-session.js';
import { SessionManager } from '../manager/session-manager.js';
import type { SessionStore } from '../store-kit/session-store.js';

const COOKIE = 'tina4_session';

/**
 * Requests driven through the core's own lifecycle (the part every framework adapter shares) on the
 * store under test, so that overlapping requests can be interleaved step by step: open two, let one
 * finish, then the other. No framework, no timing: the test decides the order.
 */
export class RequestHarness {
  readonly #manager: SessionManager;
  /** What the core logged (outages the tests cause on purpose, for one): kept, not printed. */
  readonly logged: string[] = [];

  /** The manager the requests share, for what an app does without a request (`listUser`, `revokeUser`). */
  get manager(): SessionManager {
    return this.#manager;
  }

  constructor(store: SessionStore, options: { lock?: boolean } = {}) {
    const logger = {
      warn: (line: string) => this.logged.push(line),
      error: (line: string) => this.logged.push(line),
    };
    const config = resolveSessionConfig({
      envFile: false,
      env: {},
      store,
      lock: options.lock ?? false,
      logger,
    });
    this.#manager = new SessionManager(config, store);
  }

  /** A request that carries `id` in its session cookie (none for a new visitor). */
  async open(id?: string): Promise<RequestSession> {
    return RequestSession.begin(this.#manager, id === undefined ? undefined : { [COOKIE]: id }, false);
  }

  /** Ends a request as an adapter does: commit, then the cookie, then the lock's release. */
  async finish(request: RequestSession): Promise<SentCookie> {
    try {
      return sentCookie(await request.finish());
    } finally {
      await request.release();
    }
  }

  /** A stored session holding `data`, as a login would leave it; resolves its id. */
  async storedSession(data: Record<string, unknown>): Promise<string> {
    const request = await this.open();
    for (const [key, value] of Object.entries(data)) request.session.set(key, value);
    const cookie = await this.finish(request);
    if (cookie.kind !== 'live') throw new Error('a new session with data did not get a cookie');
    return cookie.id;
  }
}

/** What a response told the browser about the session cookie. */
export type SentCookie = { kind: 'none' } | { kind: 'expire' } | { kind: 'live'; id: string };

function sentCookie(header: string | undefined): SentCookie {
  if (header === undefined) return { kind: 'none' };
  const value = /^[^=]+=([^;]*)/.exec(header)?.[1] ?? '';
  return value === '' ? { kind: 'expire' } : { kind: 'live', id: value };
}

/** Calls per store operation, and a way to make the next call of one fail. */
export interface InstrumentedStore {
  readonly store: SessionStore;
  readonly calls: Record<string, number>;
  /** Makes the next call of `operation` reject (as an unreachable server would). */
  failNext(operation: keyof SessionStore): void;
  /** Calls of every operation that changes the backend (create, update, move, touch, destroy, lock). */
  writes(): number;
}

/** Wraps a store to count its calls and inject failures. */
export function instrument(inner: SessionStore): InstrumentedStore {
  const calls: Record<string, number> = {};
  const failing = new Set<string>();
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) => {
        calls[property] = (calls[property] ?? 0) + 1;
        if (failing.delete(property)) return Promise.reject(new Error(`injected failure of ${property}()`));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return {
    store,
    calls,
    failNext: (operation) => failing.add(operation),
    writes: () =>
      ['create', 'update', 'move', 'touch', 'destroy', 'lock'].reduce(
        (sum, name) => sum + (calls[name] ?? 0),
        0,
      ),
  };
}
