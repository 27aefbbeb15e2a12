import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
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
 * Starts the app on @hono/node-server on a free port of 127.0.0.1 with file sessions in a temporary
 * directory, reading no `TINA4_SESSION_*` variable and no `.env` (`envFile: false, env: {}`), so that
 * nothing on the machine changes what the tests see.
 */
export async function startTestApp(): Promise<TestApp> {
  const sessionDir = await mkdtemp(join(tmpdir(), 'hono-example-sessions-'));
  const app = createApp({ session: { backend: 'file', path: sessionDir, envFile: false, env: {} } });
  await app.sessions.ready;
  const { server, port } = await new Promise<{ server: Server; port: number }>((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve({ server, port: info.port }),
    ) as Server;
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    sessionDir,
    jar: () => new CookieJar(url),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await app.sessions.close();
      await rm(sessionDir, { recursive: true, force: true });
    },
  };
}
