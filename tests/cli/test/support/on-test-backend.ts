import { afterAll, describe, it } from '@jest/globals';
import { type BackendName, provideTestBackend } from '@tina4/test-servers';

/**
 * Declares `tests` against the server of `backend` (`TINA4_TEST_<NAME>_URL`, or a container), or a
 * skipped block that gives the reason when there is none (a failure instead when `TINA4_TEST_REQUIRE`
 * lists it, as CI does for the servers it starts).
 */
export async function onTestBackend(
  backend: BackendName,
  label: string,
  tests: (url: string) => void,
): Promise<void> {
  const provided = await provideTestBackend(backend);
  if ('skip' in provided) {
    // Jest hides the console output of a file whose tests are all skipped: say it on stderr too.
    process.stderr.write(`[cli-tests] ${label} tests skipped: ${provided.skip}\n`);
    describe.skip(`tina4-session on ${label}: ${provided.skip}`, () => {
      it('needs a server', () => {});
    });
    return;
  }
  tests(provided.url);
  afterAll(() => provided.stop());
}
