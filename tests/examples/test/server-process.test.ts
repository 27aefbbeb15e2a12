import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  type ChildServer,
  CookieJar,
  freePort,
  killChildServers,
  startChildServer,
  waitForOutput,
} from '@tina4/test-http';
import { EXAMPLES } from './support/examples.js';

describe.each(EXAMPLES)("the $name example's src/server.ts as a process", (example) => {
  let sessionDir: string;

  beforeEach(async () => {
    sessionDir = await mkdtemp(join(tmpdir(), 'example-server-'));
  });

  afterEach(async () => {
    await killChildServers(); // what a failed test left running
    await rm(sessionDir, { recursive: true, force: true });
  });

  /** `pnpm start` in the example's folder, with `env` on top of the test run's environment. */
  function startServer(env: Record<string, string>): ChildServer {
    return startChildServer(join(example.dir, 'src', 'server.ts'), { cwd: example.dir, env });
  }

  async function start(): Promise<{ server: ChildServer; url: string }> {
    const port = await freePort();
    const server = startServer({
      PORT: String(port),
      TINA4_SESSION_BACKEND: 'file',
      TINA4_SESSION_PATH: sessionDir,
    });
    const [, url] = await waitForOutput(server, /listening on (http:\/\/localhost:\d+) \(sessions: file\)/);
    expect(url).toBe(`http://localhost:${port}`);
    return { server, url: url! };
  }

  it('answers on PORT with file sessions in TINA4_SESSION_PATH, and exits 0 on SIGTERM', async () => {
    const { server, url } = await start();
    const jar = new CookieJar(url);
    expect(await (await jar.fetch('/visit')).json()).toMatchObject({ visit_count: 1 });
    expect(await (await jar.fetch('/visit')).json()).toMatchObject({ visit_count: 2 });
    expect((await readdir(sessionDir)).length).toBeGreaterThan(0);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.stderr()).toBe('');
  }, 30_000);

  it('exits 0 on SIGINT (Ctrl+C) too', async () => {
    const { server } = await start();
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
    expect(server.stderr()).toBe('');
  }, 30_000);

  it('refuses to start with an invalid session setting', async () => {
    const server = startServer({ PORT: '0', TINA4_SESSION_BACKEND: 'floppy' });
    expect(await server.exited).toBe(1);
    expect(server.stderr()).toMatch(
      new RegExp(`Cannot start the ${example.name} example: .*TINA4_SESSION_BACKEND`),
    );
  }, 30_000);
});
