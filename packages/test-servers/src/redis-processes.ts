import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

/**
 * Private Redis/Valkey servers for the tests that need one of their own (Cluster, Sentinel, an
 * outage): started as child processes on free loopback ports, stopped by their pid only.
 */

/** The server and CLI binaries of one flavour. */
export interface ServerBinaries {
  readonly server: string;
  readonly cli: string;
}

export const REDIS_BINARIES: ServerBinaries = { server: 'redis-server', cli: 'redis-cli' };
export const VALKEY_BINARIES: ServerBinaries = { server: 'valkey-server', cli: 'valkey-cli' };

export interface ServerProcess {
  readonly port: number;
  /** Stops the server (SIGKILL when `crash`, as an abrupt outage) and waits for it to exit. */
  stop(options?: { crash?: boolean }): Promise<void>;
}

/** Whether `name` is an executable on the PATH. */
export function onPath(name: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Whether every binary is on the PATH. */
export function haveBinaries(binaries: ServerBinaries): boolean {
  return [binaries.server, binaries.cli].every(onPath);
}

/** A loopback port nobody listens on; with `busOffset`, `port + busOffset` is free too (cluster bus). */
export async function freePort(busOffset?: number): Promise<number> {
  for (;;) {
    const port = await listenOnce(0);
    if (busOffset === undefined) return port;
    if (port + busOffset <= 65535 && (await isFree(port + busOffset))) return port;
  }
}

/** Starts a server without persistence on 127.0.0.1:`port` and waits until it answers PING. */
export async function startServer(
  binaries: ServerBinaries,
  port: number,
  extraArgs: readonly string[] = [],
): Promise<ServerProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'tina4-redis-'));
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
  ];
  return launch(binaries.server, [...args, ...extraArgs], port, dir);
}

/** Starts a Sentinel on `port` that monitors the master at 127.0.0.1:`masterPort` under `name`. */
export async function startSentinel(
  binaries: ServerBinaries,
  port: number,
  masterPort: number,
  name: string,
): Promise<ServerProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'tina4-sentinel-'));
  const config = join(dir, 'sentinel.conf');
  // Sentinel rewrites its configuration file, so it gets one of its own.
  await writeFile(
    config,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor ${name} 127.0.0.1 ${masterPort} 1`,
      '',
    ].join('\n'),
  );
  return launch(binaries.server, [config, '--sentinel'], port, dir);
}

export interface ClusterProcesses {
  readonly nodes: { host: string; port: number }[];
  stop(): Promise<void>;
}

/** Starts `count` masters on loopback and joins them into a cluster that covers every slot. */
export async function startCluster(binaries: ServerBinaries, count = 3): Promise<ClusterProcesses> {
  const servers: ServerProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((server) => server.stop()));
  };
  try {
    for (let i = 0; i < count; i++) {
      const port = await freePort(10000);
      servers.push(
        await startServer(binaries, port, [
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          `nodes-${port}.conf`,
          '--cluster-node-timeout',
          '5000',
        ]),
      );
    }
    const addresses = servers.map((server) => `127.0.0.1:${server.port}`);
    await promisify(execFile)(binaries.cli, [
      '--cluster',
      'create',
      ...addresses,
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    for (const server of servers) await waitForClusterOk(binaries, server.port);
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes: servers.map((server) => ({ host: '127.0.0.1', port: server.port })), stop };
}

async function waitForClusterOk(binaries: ServerBinaries, port: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const { stdout } = await promisify(execFile)(binaries.cli, ['-p', String(port), 'cluster', 'info']);
    if (stdout.includes('cluster_state:ok')) return;
    if (Date.now() > deadline) throw new Error(`cluster node ${port} did not reach cluster_state:ok`);
    await sleep(100);
  }
}

async function launch(binary: string, args: string[], port: number, dir: string): Promise<ServerProcess> {
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForPing(port, child);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    await rm(dir, { recursive: true, force: true });
    throw new Error(`${binary} on port ${port} did not start: ${(error as Error).message} ${stderr}`.trim());
  }
  let stopped = false;
  return {
    port,
    async stop({ crash = false } = {}) {
      if (!stopped) {
        stopped = true;
        if (child.exitCode === null && child.signalCode === null) child.kill(crash ? 'SIGKILL' : 'SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves once the server on `port` answers PING; rejects after 10 s or when `child` exits. */
async function waitForPing(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await answersPing(port))) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`it exited (${child.exitCode})`);
    if (Date.now() > deadline) throw new Error('no PONG within 10 s');
    await sleep(50);
  }
}

/** Whether a server on loopback `port` answers PING (a raw RESP exchange: no client library needed). */
export function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (answered: boolean): void => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : port));
    });
  });
}

async function isFree(port: number): Promise<boolean> {
  try {
    await listenOnce(port);
    return true;
  } catch {
    return false;
  }
}
