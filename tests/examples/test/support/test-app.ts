import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CookieJar } from '@tina4/test-http';
import type { Example } from './examples.js';

export interface TestApp {
  readonly url: string;
  /** The file store's directory, a fresh temporary one. */
  readonly sessionDir: string;
  /** A new browser, as far as cookies go. */
  jar(): CookieJar;
  close(): Promise<void>;
}

/**
 * Starts the example's app on a free port of 127.0.0.1 with file sessions in a temporary directory,
 * reading no `TINA4_SESSION_*` variable and no `.env` (`envFile: false, env: {}`), so that nothing
 * on the machine changes what the tests see.
 */
export async function startTestApp(example: Example): Promise<TestApp> {
  const sessionDir = await mkdtemp(join(tmpdir(), 'example-sessions-'));
  const app = await example.listen({ backend: 'file', path: sessionDir, envFile: false, env: {} });
  return {
    url: app.url,
    sessionDir,
    jar: () => new CookieJar(app.url),
    async close() {
      await app.close();
      await rm(sessionDir, { recursive: true, force: true });
    },
  };
}
