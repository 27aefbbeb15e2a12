import { SessionConfigError } from '../errors.js';
import type { SessionStore } from './session-store.js';

/** The operations every store has; `ping` and `lock` are optional. */
const REQUIRED_OPERATIONS = ['read', 'create', 'update', 'move', 'touch', 'destroy', 'close'] as const;

/**
 * Refuses, at start-up, a store that does not implement this version of the contract: a store
 * package older than the core (the family is released in step, with one version), or an app's own
 * store written for an earlier contract. Without this check the first request would fail with a
 * `TypeError` deep in the lifecycle.
 */
export function assertStoreContract(store: unknown, origin: string, fix: string): SessionStore {
  const candidate = store as Partial<Record<string, unknown>> | null | undefined;
  if (typeof candidate !== 'object' || candidate === null) {
    throw new SessionConfigError(`${origin} is not a session store (got ${typeof store}). ${fix}`);
  }
  const missing = REQUIRED_OPERATIONS.filter((operation) => typeof candidate[operation] !== 'function');
  if (typeof candidate.name !== 'string') missing.push('name' as never);
  if (missing.length > 0) {
    throw new SessionConfigError(
      `${origin} does not implement the session store contract of this @tina4/session-core ` +
        `(missing: ${missing.join(', ')}). ${fix}`,
    );
  }
  return store as SessionStore;
}
