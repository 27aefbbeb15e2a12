import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './redis-processes.js';

/**
 * Private MongoDB-protocol servers for the tests that need one of their own (a hung server, an
 * outage): started as child processes on a loopback port, paused, resumed and stopped by their pid
 * only. A real `mongod` on the PATH is used when there is one; else the jongodb stand-in binary of
 * the repository's root devDependency `@jongodb/memory-server-bin-linux-x64-gnu` (in memory, no
 * download, starts in about 0.1 s; not MongoDB, see `MONGO_STAND_IN`).
 */

/** The package whose binary is the stand-in (a root devDependency, pinned). */
export const MONGO_STAND_IN_PACKAGE = '@jongodb/memory-server-bin-linux-x64-gnu';

export interface MongoServerBinary {
  readonly path: string;
  /** `mongod`: MongoDB itself; `jongodb`: the stand-in. */
  readonly kind: 'mongod' | 'jongodb';
}

export interface MongoServerProcess {
  readonly port: number;
  readonly url: string;
  readonly kind: MongoServerBinary['kind'];
  /** Freezes the server (SIGSTOP): connections stay open, nothing is answered. */
  pause(): void;
  /** Lets a paused server run again (SIGCONT). */
  resume(): void;
  /** Stops the server (SIGKILL when `crash`, as an abrupt outage) and waits for it to exit. */
  stop(options?: { crash?: boolean }): Promise<void>;
}

/** The server binary to start, or why there is none here. */
export function mongoServerBinary(): MongoServerBinary | { missing: string } {
  const mongod = onPath('mongod');
  if (mongod) return { path: mongod, kind: 'mongod' };
  try {
    const packageJson = createRequire(import.meta.url).resolve(`${MONGO_STAND_IN_PACKAGE}/package.json`);
    const path = join(dirname(packageJson), 'bin', 'jongodb');
    accessSync(path, constants.X_OK);
    return { path, kind: 'jongodb' };
  } catch (error) {
    return {
      missing:
        `neither mongod is on the PATH nor ${MONGO_STAND_IN_PACKAGE} is installed (a root devDependency, ` +
        `Linux x64 with glibc only): ${(error as Error).message.split('\n')[0]}`,
    };
  }
}

/** Starts a server on 127.0.0.1:`port` with nothing stored, and waits until it answers `ping`. */
export async function startMongoServer(binary: MongoServerBinary, port: number): Promise<MongoServerProcess> {
  const dir = binary.kind === 'mongod' ? await mkdtemp(join(tmpdir(), 'tina4-mongod-')) : undefined;
  const args =
    binary.kind === 'mongod'
      ? ['--port', String(port), '--bind_ip', '127.0.0.1', '--dbpath', dir!, '--nounixsocket']
      : [`--host=127.0.0.1`, `--port=${port}`];
  const child = spawn(binary.path, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `mongodb://127.0.0.1:${port}/?directConnection=true`;
  const cleanUp = async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForPing(url, child, () => startedListening(binary.kind, output));
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    await cleanUp();
    throw new Error(
      `${binary.path} on port ${port} did not start: ${(error as Error).message} ${output}`.trim(),
      { cause: error },
    );
  }
  const running = () => child.exitCode === null && child.signalCode === null;
  let stopped = false;
  return {
    port,
    url,
    kind: binary.kind,
    pause() {
      if (running()) child.kill('SIGSTOP');
    },
    resume() {
      if (running()) child.kill('SIGCONT');
    },
    async stop({ crash = false } = {}) {
      if (!stopped) {
        stopped = true;
        if (running()) {
          // A paused process handles SIGTERM only once it runs again.
          child.kill('SIGCONT');
          child.kill(crash ? 'SIGKILL' : 'SIGTERM');
        }
        await exited;
      }
      await cleanUp();
    },
  };
}

/** Why a server did not start: its port was taken (a free port can be taken again before it binds). */
class PortTakenError extends Error {}

/**
 * Whether the server's own output says it listens: a `ping` alone could be answered by another
 * server that took the port first (tests restart servers on their ports), while ours failed to bind.
 */
function startedListening(kind: MongoServerBinary['kind'], output: string): boolean {
  if (/JONGODB_START_FAILURE|Address already in use/.test(output)) {
    throw new PortTakenError('its port is taken by another process');
  }
  return kind === 'jongodb' ? output.includes('JONGODB_URI=') : output.includes('Waiting for connections');
}

/**
 * Resolves once the server says it listens and answers `ping`; rejects after 20 s, when `child`
 * exits, or when its port is taken.
 */
async function waitForPing(url: string, child: ChildProcess, listening: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(listening() && (await answersMongoPing(url)))) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`it exited (${child.exitCode})`);
    if (Date.now() > deadline) throw new Error('no answer to ping within 20 s');
    await sleep(50);
  }
}

/** {@link startMongoServer} on a free port, trying another one if it is taken before the server binds it. */
export async function startMongoServerOnFreePort(binary: MongoServerBinary): Promise<MongoServerProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startMongoServer(binary, await freePort());
    } catch (error) {
      if (!((error as Error).cause instanceof PortTakenError) || attempt >= 5) throw error;
    }
  }
}

/** Whether a MongoDB-protocol server at `url` answers `ping` within half a second. */
export async function answersMongoPing(url: string): Promise<boolean> {
  const { MongoClient } = await import('mongodb');
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 });
  try {
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => {});
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}
