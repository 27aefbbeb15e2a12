import type { SessionStore } from '../store-kit/session-store.js';

/**
 * The test runner's functions, passed in so that the suite runs under any runner: Jest and Vitest
 * (`{ describe, it, beforeAll, afterAll }`), or `node:test` (`{ describe, it, beforeAll: before,
 * afterAll: after }`). Assertions use `node:assert`. Give each test at least 30 s (Jest's
 * `testTimeout`, Vitest's `testTimeout`; `node:test` has no limit by default).
 */
export interface TestRunner {
  describe(name: string, body: () => void): unknown;
  it: {
    (name: string, body: () => Promise<void> | void): unknown;
    /** The runner's own skip (`it.skip`), used for tests that `skip` names. */
    skip?(name: string, body: () => Promise<void> | void): unknown;
  };
  beforeAll(body: () => Promise<void> | void): unknown;
  afterAll(body: () => Promise<void> | void): unknown;
}

/** Reads what a backend really holds, bypassing the store's own API (a raw client, the files). */
export interface StoreBackdoor {
  /** The fields stored under a session key, or undefined when the backend holds nothing for it. */
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
  /** The store implements `lock()` (`TINA4_SESSION_LOCK`): the lock's tests run too. */
  lock?: boolean;
  /**
   * The store has the user-sessions capability (`listUserSessions`): the tests of a user's sessions
   * run too (listed as skipped, with the reason printed, otherwise). Checked against the store.
   */
  userSessions?: boolean;
  /** Wait in ms that expiry tests allow past the TTL for the backend to expire a record (default 1500). */
  expiryGraceMs?: number;
  /**
   * Tests to leave out, by a word of their title, each with the reason (printed): for a stand-in
   * server that lacks a feature the test needs. A store on a real server skips nothing.
   */
  skip?: Readonly<Record<string, string>>;
}
