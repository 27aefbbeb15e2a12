import {
  generateSessionId,
  type SessionChangeSet,
  type SessionFields,
  type SessionKey,
  type SessionStore,
  sessionKeyOf,
} from '@tina4/session-core';
import type { StoreBackdoor, StoreSuiteOptions } from './suite-options.js';

/** What every part of the suite gets from {@link storeComplianceSuite}. */
export interface SuiteContext {
  readonly options: StoreSuiteOptions;
  readonly backdoor: StoreBackdoor;
  /** The store under test, opened in the suite's `beforeAll` (call it inside tests and hooks only). */
  store(): SessionStore;
  /** Another store instance on the same backend, closed with the others in the suite's `afterAll`. */
  openStore(): Promise<SessionStore>;
}

/** A lifetime long enough never to run out during a test that is not about expiry. */
export const LONG_TTL_SECONDS = 600;

/**
 * A key made the way the core makes them (SHA-256 of a fresh id), new for every test, so that
 * the suite can run against a server other tests share without seeing their records.
 */
export function newKey(): SessionKey {
  return sessionKeyOf(generateSessionId());
}

/** A change set that only sets fields (a request that called `session.set`). */
export function setFields(set: SessionFields): SessionChangeSet {
  return { replace: false, set, delete: [] };
}

/** A change set that only deletes fields (a request that called `session.delete`). */
export function deleteFields(...names: string[]): SessionChangeSet {
  return { replace: false, set: {}, delete: names };
}

/** A change set that replaces the whole record (a cleared, new or regenerated session). */
export function replaceWith(set: SessionFields): SessionChangeSet {
  return { replace: true, set, delete: [] };
}

/** `count` fields `<prefix>0`.. with the JSON text of their index as value. */
export function numberedFields(prefix: string, count: number, from = 0): SessionFields {
  const fields: SessionFields = {};
  for (let index = from; index < from + count; index++) fields[`${prefix}${index}`] = JSON.stringify(index);
  return fields;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
