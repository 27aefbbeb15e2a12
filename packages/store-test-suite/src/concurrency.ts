import { describe, expect, it } from '@jest/globals';
import {
  deleteFields,
  LONG_TTL_SECONDS,
  newKey,
  numberedFields,
  type SuiteContext,
  setFields,
} from './fixtures.js';

const PARALLEL = 50;

export function describeConcurrency(context: SuiteContext): void {
  describe('concurrent writes of one session', () => {
    it(`${PARALLEL} parallel writes of different fields all survive`, async () => {
      const key = newKey();
      const store = context.store();
      await Promise.all(
        Array.from({ length: PARALLEL }, (_, index) =>
          store.write(key, setFields({ [`field${index}`]: JSON.stringify(index) }), LONG_TTL_SECONDS),
        ),
      );
      const expected = numberedFields('field', PARALLEL);
      expect(await context.backdoor.fields(key)).toEqual(expected);
      expect((await store.read(key))?.fields).toEqual(expected);
    });

    it('parallel deletes and sets of different fields all apply', async () => {
      const key = newKey();
      const store = context.store();
      await store.write(key, setFields(numberedFields('old', PARALLEL)), LONG_TTL_SECONDS);
      await Promise.all(
        Array.from({ length: PARALLEL }, (_, index) =>
          index % 2 === 0
            ? store.write(key, deleteFields(`old${index}`), LONG_TTL_SECONDS)
            : store.write(key, setFields({ [`new${index}`]: JSON.stringify(index) }), LONG_TTL_SECONDS),
        ),
      );
      const expected: Record<string, string> = {};
      for (let index = 1; index < PARALLEL; index += 2) {
        expected[`old${index}`] = JSON.stringify(index);
        expected[`new${index}`] = JSON.stringify(index);
      }
      expect(await context.backdoor.fields(key)).toEqual(expected);
    });
  });
}
