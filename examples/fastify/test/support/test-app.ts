import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app.js';
import { CookieJar } from './cookie-jar.js';

export interface TestApp {
  readonly url: string;
  /** The file store's directory, a fresh temporary one. */
  readonly sessionDir: string;
  /** A new browser, as far as cookies go. */
  jar(): CookieJar;
  close(): Promise<void>;
}

/**
 * Starts the app on a free port of 127.0.0.1 with file sessions in a temporary directory, reading
 * no `TINA4_SESSION_*` variable and no `.env` (`envFile: false, env: {}`), so that nothing on the
 * machine changes what the tests see.
 */
export async function startTestApp(): Promise<TestApp> {
  const sessionDir = await mkdtemp(join(tmpdir(), 'fastify-example-sessions-'));
  const app = await createApp({ session: { backend: 'file', path: sessionDir, envFile: false, env: {} } });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    sessionDir,
    jar: () => new CookieJar(url),
    async close() {
      await app.close(); // closes the session store too
      await rm(sessionDir, { recursive: true, force: true });
    },
  };
}
