import { deepStrictEqual } from 'node:assert/strict';
import { generateSessionId, sessionKeyOf } from '../session/session-id.js';
import type {
  SessionChangeSet,
  SessionFields,
  SessionKey,
  SessionStore,
} from '../store-kit/session-store.js';
import type { StoreBackdoor, StoreSuiteOptions, TestRunner } from './suite-options.js';

/** What every part of the suite gets from `storeComplianceSuite`. */
export interface SuiteContext {
  readonly runner: TestRunner;
  readonly options: StoreSuiteOptions;
  readonly backdoor: StoreBackdoor;
  /** The store under test, opened in the suite's `beforeAll` (call it inside tests and hooks only). */
  store(): SessionStore;
  /** Another store instance on the same backend, closed with the others in the suite's `afterAll`. */
  openStore(): Promise<SessionStore>;
  /** `runner.it`, or a skip (with its reason printed) when `options.skip` names a word of the title. */
  it(name: string, body: () => Promise<void> | void): void;
}

/** A lifetime long enough never to run out during a test that is not about expiry. */
export const LONG_TTL_SECONDS = 600;
export const LONG = { ttlSeconds: LONG_TTL_SECONDS } as const;

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

/** A change set that replaces the whole record (a cleared session). */
export function replaceWith(set: SessionFields): SessionChangeSet {
  return { replace: true, set, delete: [] };
}

/** `count` fields `<prefix>0`.. with the JSON text of their index as value. */
export function numberedFields(prefix: string, count: number, from = 0): SessionFields {
  const fields: SessionFields = {};
  for (let index = from; index < from + count; index++) fields[`${prefix}${index}`] = JSON.stringify(index);
  return fields;
}

/** Creates a record with `fields` and checks that it was created. */
export async function createRecord(
  store: SessionStore,
  key: SessionKey,
  fields: SessionFields,
  ttlSeconds = LONG_TTL_SECONDS,
): Promise<void> {
  deepStrictEqual(
    await store.create(key, fields, { ttlSeconds }),
    true,
    'create() of a fresh key resolves true',
  );
}

/** Compares field records whatever their prototypes (stores may build them without one). */
export function assertFields(
  actual: Readonly<SessionFields> | undefined,
  expected: SessionFields | undefined,
  what: string,
): void {
  deepStrictEqual(
    actual === undefined ? undefined : { ...actual },
    expected === undefined ? undefined : { ...expected },
    what,
  );
}

/** Checks a record both through the backdoor and through the store. */
export async function expectStored(
  context: SuiteContext,
  key: SessionKey,
  fields: SessionFields | undefined,
): Promise<void> {
  assertFields(await context.backdoor.fields(key), fields, 'the backend holds');
  assertFields((await context.store().read(key))?.fields, fields, 'read() returns');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
