import type { SessionStore } from '@tina4/session-core';

/**
 * Raw access to a backend, bypassing the store under test (a Redis client, a SQL connection, the
 * files themselves), so that the suite checks what was really stored, not only what the store
 * says it stored.
 */
export interface StoreBackdoor {
  /** The raw stored fields (field -> JSON text) of a session key, read bypassing the store's API; undefined when absent. */
  fields(key: string): Promise<Record<string, string> | undefined>;
  /** Remaining lifetime in ms as the backend itself sees it (TTL, expiry column, file data), undefined when absent. */
  ttlMs(key: string): Promise<number | undefined>;
  /** Everything the backend holds for this store, as text, to check that no raw session id appears in it. */
  dump(): Promise<string>;
}

/** How {@link storeComplianceSuite} reaches the store under test. */
export interface StoreSuiteOptions {
  /** Used in describe() titles. */
  name: string;
  /** A fresh store instance on the backend under test (every instance sees the same records). */
  createStore(): Promise<SessionStore> | SessionStore;
  backdoor: StoreBackdoor;
  /** The store implements lock(). */
  lock?: boolean;
  /** Wait in ms that expiry tests allow past the TTL for the backend to expire a record (default 1500). */
  expiryGraceMs?: number;
}
