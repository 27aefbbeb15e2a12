import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
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
 * Starts the server on a free port of 127.0.0.1 with file sessions in a temporary directory,
 * reading no `TINA4_SESSION_*` variable and no `.env` (`envFile: false, env: {}`), so that nothing
 * on the machine changes what the tests see.
 */
export async function startTestApp(): Promise<TestApp> {
  const sessionDir = await mkdtemp(join(tmpdir(), 'node-http-example-sessions-'));
  const server = createApp({ session: { backend: 'file', path: sessionDir, envFile: false, env: {} } });
  await server.sessions.ready;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    sessionDir,
    jar: () => new CookieJar(url),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await server.sessions.close();
      await rm(sessionDir, { recursive: true, force: true });
    },
  };
}
