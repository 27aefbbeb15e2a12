import { strictEqual } from 'node:assert/strict';
import { encryptStore } from '../encryption/encrypted-store.js';
import type { SessionStore } from '../store-kit/session-store.js';
import { createRecord, LONG, newKey, numberedFields, type SuiteContext } from './fixtures.js';

/** A form draft saved key by key: about 1 MB of fields, under the default `TINA4_SESSION_MAX_BYTES`. */
const MANY_FIELDS = 100_000;

const QUIET = { warn: () => {}, error: () => {} };

export function describeLargeSessions(context: SuiteContext): void {
  context.runner.describe(`a session of ${MANY_FIELDS} fields`, () => {
    // The update is one change set of MANY_FIELDS entries (half new fields, half deletions), so
    // the record keeps its size: argument lists, scripts and statements are built from every entry.
    const half = MANY_FIELDS / 2;
    const check = async (store: SessionStore, encrypted: boolean): Promise<void> => {
      const key = newKey();
      await createRecord(store, key, numberedFields('f', MANY_FIELDS));
      const deleted = Object.keys(numberedFields('f', half));
      strictEqual(
        await store.update(key, { replace: false, set: numberedFields('g', half), delete: deleted }, LONG),
        true,
      );
      const stored = await context.backdoor.fields(key);
      // Encrypted records also hold their sealed expiry.
      const expected = MANY_FIELDS + (encrypted ? 1 : 0);
      strictEqual(Object.keys(stored ?? {}).length, expected, 'the backend holds every field');
      const read = await store.read(key);
      strictEqual(Object.keys(read?.fields ?? {}).length, MANY_FIELDS);
      strictEqual(read?.fields[`g${half - 1}`], String(half - 1));
      strictEqual(read?.fields[`f${MANY_FIELDS - 1}`], String(MANY_FIELDS - 1));
      strictEqual(read?.fields.f0, undefined);
      if (!encrypted) strictEqual(stored?.[`f${MANY_FIELDS - 1}`], String(MANY_FIELDS - 1));
    };

    context.it('is created, updated and read back, each in one operation', async () => {
      await check(context.store(), false);
    });

    context.it('is created, updated and read back with encryption at rest', async () => {
      await check(encryptStore(context.store(), ['a-secret-of-the-compliance-suite'], QUIET), true);
    });
  });
}
