import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { mongoServerBinary, startMongoServerOnFreePort } from './mongo-processes.js';
import { answersPing, freePort, onPath } from './redis-processes.js';

/**
 * Store servers that a test starts, stops and starts again itself, on spare loopback ports. The
 * machine's shared servers are never stopped: an outage is staged on a private one. Data lives in
 * a temporary directory that survives a stop, so that "no session corrupted" can be checked after
 * the server comes back; everything is removed by {@link PrivateServer.dispose}.
 */
export interface PrivateServer {
  readonly kind: 'redis' | 'valkey' | 'postgres' | 'mongodb';
  readonly port: number;
  /** Connection URL (`redis://...` or `postgres://...`). */
  readonly url: string;
  /** Stops the server abruptly (SIGKILL / immediate shutdown), as a crash or a network cut would. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data, and waits until it answers. */
  start(): Promise<void>;
  /** Stops it and removes its data directory. Safe to call twice. */
  dispose(): Promise<void>;
}

const execFileAsync = promisify(execFile);

/** Servers still running when the test process exits are killed (a failed test must not leak them). */
const running = new Set<ChildProcess>();
const runningClusters = new Set<() => void>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
  for (const stopCluster of runningClusters) stopCluster();
});

/**
 * A private redis-server or valkey-server with an append-only file fsynced on every write, so a
 * SIGKILL loses no acknowledged write: the data a client was told is saved is there after restart.
 */
export async function startRedisLike(kind: 'redis' | 'valkey'): Promise<PrivateServer> {
  const binary = `${kind}-server`;
  const dir = await mkdtemp(join(tmpdir(), `tina4-reliability-${kind}-`));
  const port = await freePort();
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'yes',
    '--appendfsync',
    'always',
  ];
  let child: ChildProcess | undefined;
  let disposed = false;

  const start = async (): Promise<void> => {
    const started = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    started.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    running.add(started);
    started.once('exit', () => running.delete(started));
    child = started;
    await waitUntil(
      () => answersPing(port),
      started,
      `${binary} on port ${port}`,
      () => stderr,
    );
  };
  const stop = async (): Promise<void> => {
    const current = child;
    child = undefined;
    if (current) await kill(current);
  };

  await start();
  return {
    kind,
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    async dispose() {
      if (disposed) return;
      disposed = true;
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A private PostgreSQL cluster (initdb as the `postgres` OS user, trust auth on loopback, database
 * `test`). Its stop is `pg_ctl stop -m immediate`: the postmaster quits without a checkpoint, as
 * after a crash, and the restart goes through WAL recovery.
 */
export async function startPostgres(): Promise<PrivateServer> {
  const pgCtl = postgresBinary('pg_ctl');
  const initdb = postgresBinary('initdb');
  const dir = await mkdtemp(join(tmpdir(), 'tina4-reliability-pg-'));
  const dataDir = join(dir, 'data');
  const port = await freePort();
  const { uid, gid } = await postgresUser();
  await chown(dir, uid, gid);
  const asPostgres = (binary: string, args: string[]) =>
    execFileAsync(binary, args, {
      uid,
      gid,
      cwd: dir,
      env: { ...process.env, LC_ALL: 'C' },
      timeout: 60_000,
    });

  await asPostgres(initdb, ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
  let up = false;
  let disposed = false;

  // pg_ctl daemonises the postmaster: it is not our child, so the exit hook stops it by pg_ctl.
  const stopNow = (): void => {
    execFileSync(pgCtl, ['-D', dataDir, '-m', 'immediate', '-w', 'stop'], {
      uid,
      gid,
      cwd: dir,
      stdio: 'ignore',
    });
  };
  const start = async (): Promise<void> => {
    await asPostgres(pgCtl, [
      '-D',
      dataDir,
      '-o',
      options,
      '-l',
      join(dir, 'log'),
      '-w',
      '-t',
      '60',
      'start',
    ]);
    up = true;
    runningClusters.add(stopNow);
  };
  const stop = async (): Promise<void> => {
    if (!up) return;
    up = false;
    runningClusters.delete(stopNow);
    await asPostgres(pgCtl, ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
  };

  await start();
  try {
    await execFileAsync('psql', [
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-U',
      'postgres',
      '-c',
      'CREATE DATABASE test',
    ]);
  } catch (error) {
    await stop().catch(() => {});
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    kind: 'postgres',
    port,
    url: `postgres://postgres@127.0.0.1:${port}/test`,
    start,
    stop,
    async dispose() {
      if (disposed) return;
      disposed = true;
      await stop().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Why a private PostgreSQL cannot be started here, or undefined when it can. */
export async function postgresUnavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'a private PostgreSQL needs root (to run initdb as the postgres user)';
  try {
    postgresBinary('initdb');
    await postgresUser();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

function postgresBinary(name: 'initdb' | 'pg_ctl'): string {
  if (onPath(name)) return name;
  for (const version of ['17', '16', '15', '14', '13']) {
    const candidate = `/usr/lib/postgresql/${version}/bin/${name}`;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next version
    }
  }
  throw new Error(`${name} is not installed (apt-get install postgresql)`);
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  try {
    const { stdout: uid } = await execFileAsync('id', ['-u', 'postgres']);
    const { stdout: gid } = await execFileAsync('id', ['-g', 'postgres']);
    return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
  } catch {
    throw new Error('there is no "postgres" OS user to run initdb as');
  }
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

async function waitUntil(
  ready: () => Promise<boolean>,
  child: ChildProcess,
  what: string,
  stderr: () => string,
): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await ready())) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${what} exited before answering: ${stderr()}`.trim());
    }
    if (Date.now() > deadline) {
      await kill(child);
      throw new Error(`${what} did not answer within 15 s: ${stderr()}`.trim());
    }
    await sleep(50);
  }
}

/**
 * A private MongoDB-protocol server (mongod, else the jongodb stand-in) whose outage is a freeze:
 * `stop()` suspends the process (SIGSTOP), so connections stay open and nothing is answered, and
 * `start()` lets it run on. The stand-in keeps its data in memory only, so a crash and restart
 * would lose every session and say nothing about the store; a hung server is the harder fault for
 * the store anyway (no error, only silence until the deadline).
 */
export async function startFreezingMongo(): Promise<PrivateServer> {
  const binary = mongoServerBinary();
  if ('missing' in binary) throw new Error(`no MongoDB-protocol server here: ${binary.missing}`);
  const server = await startMongoServerOnFreePort(binary);
  let disposed = false;
  return {
    kind: 'mongodb',
    port: server.port,
    url: server.url,
    stop: async () => server.pause(),
    start: async () => server.resume(),
    async dispose() {
      if (disposed) return;
      disposed = true;
      await server.stop({ crash: true });
    },
  };
}
