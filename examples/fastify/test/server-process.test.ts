import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { CookieJar } from './support/cookie-jar.js';
import { freePort, type Started, startServer, waitForOutput } from './support/server-process.js';

describe('src/server.ts as a process', () => {
  let sessionDir: string;
  let server: Started | undefined;

  beforeEach(async () => {
    sessionDir = await mkdtemp(join(tmpdir(), 'fastify-example-server-'));
  });

  afterEach(async () => {
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    server = undefined;
    await rm(sessionDir, { recursive: true, force: true });
  });

  async function start(): Promise<string> {
    const port = await freePort();
    server = startServer({
      PORT: String(port),
      TINA4_SESSION_BACKEND: 'file',
      TINA4_SESSION_PATH: sessionDir,
    });
    const [, url] = await waitForOutput(server, /listening on (http:\/\/localhost:\d+) \(sessions: file\)/);
    expect(url).toBe(`http://localhost:${port}`);
    return url!;
  }

  it('answers on PORT with file sessions in TINA4_SESSION_PATH, and exits 0 on SIGTERM', async () => {
    const jar = new CookieJar(await start());
    expect(await (await jar.fetch('/visit')).json()).toMatchObject({ visit_count: 1 });
    expect(await (await jar.fetch('/visit')).json()).toMatchObject({ visit_count: 2 });
    expect((await readdir(sessionDir)).length).toBeGreaterThan(0);

    server!.child.kill('SIGTERM');
    expect(await server!.exited).toBe(0);
    expect(server!.stderr()).toBe('');
  }, 30_000);

  it('exits 0 on SIGINT (Ctrl+C) too', async () => {
    await start();
    server!.child.kill('SIGINT');
    expect(await server!.exited).toBe(0);
    expect(server!.stderr()).toBe('');
  }, 30_000);

  it('refuses to start with an invalid session setting', async () => {
    server = startServer({ PORT: '0', TINA4_SESSION_BACKEND: 'floppy' });
    expect(await server.exited).toBe(1);
    expect(server.stderr()).toMatch(/Cannot start the Fastify example: .*TINA4_SESSION_BACKEND/);
  }, 30_000);
});
