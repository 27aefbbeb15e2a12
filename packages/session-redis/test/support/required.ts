import { type BackendName, isRequired } from '@tina4/store-test-suite';

/**
 * Skips (with a warning in the test output) the tests that need something missing here, such as
 * the redis-server binary, unless CI requires `backend` (`TINA4_TEST_REQUIRE`): then it throws.
 */
export function skipOrFail(backend: BackendName, reason: string): void {
  if (isRequired(backend))
    throw new Error(`The ${backend} tests must run (TINA4_TEST_REQUIRE) but ${reason}.`);
  console.warn(`[${backend} tests] skipping: ${reason}.`);
}
