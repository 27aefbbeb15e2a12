import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { CommandDecoder, WireProtocol } from './command-decoder.js';
import { createMongodbDecoder } from './mongodb-decoder.js';
import { createMysqlDecoder } from './mysql-decoder.js';
import { createPostgresDecoder } from './postgres-decoder.js';
import { createRedisDecoder } from './redis-decoder.js';

/** What went to the store server since the proxy started. */
export interface WireCounts {
  /** Times the client sent commands after having received a reply: the round trips it waited for. */
  readonly roundTrips: number;
  /** Commands by name (`HGETALL`, `SELECT`, `find`...). */
  readonly commands: Readonly<Record<string, number>>;
  /** Bytes the clients sent to the store server (commands, keys, values, SQL text, parameters). */
  readonly bytesSent: number;
  /** Bytes the store server sent back. */
  readonly bytesReceived: number;
}

const DECODERS: Record<WireProtocol, () => CommandDecoder> = {
  redis: createRedisDecoder,
  postgres: createPostgresDecoder,
  mysql: createMysqlDecoder,
  mongodb: createMongodbDecoder,
};

/** Connection upkeep that is not caused by a request: MongoDB's server monitoring. */
const UPKEEP = new Set(['hello', 'isMaster', 'ismaster']);

/**
 * A loopback TCP proxy in front of a store server that counts the commands and round trips of the
 * traffic through it. Only this proxy's clients are counted, so other users of a shared server
 * do not disturb the figures (server-wide counters such as `INFO commandstats` would include them).
 */
export class WireProxy {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #roundTrips = 0;
  #bytesSent = 0;
  #bytesReceived = 0;
  readonly #commands: Record<string, number> = {};

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(target: { host: string; port: number }, protocol: WireProtocol): Promise<WireProxy> {
    const server = createServer();
    const proxy = new WireProxy(server);
    server.on('connection', (client) => proxy.#relay(client, target, DECODERS[protocol]()));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  get port(): number {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy is not listening');
    return address.port;
  }

  counts(): WireCounts {
    return {
      roundTrips: this.#roundTrips,
      commands: { ...this.#commands },
      bytesSent: this.#bytesSent,
      bytesReceived: this.#bytesReceived,
    };
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  #relay(client: Socket, target: { host: string; port: number }, decoder: CommandDecoder): void {
    const upstream = createConnection(target);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    this.#sockets.add(client).add(upstream);
    // A round trip begins with the first command sent after a reply (or the first ever).
    let replied = true;
    client.on('data', (chunk: Buffer) => {
      this.#bytesSent += chunk.length;
      const names = decoder.push(chunk).filter((name) => !UPKEEP.has(name));
      for (const name of names) this.#commands[name] = (this.#commands[name] ?? 0) + 1;
      if (replied && names.length > 0) {
        this.#roundTrips++;
        replied = false;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      this.#bytesReceived += chunk.length;
      replied = true;
      client.write(chunk);
    });
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      this.#sockets.delete(client);
      this.#sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  }
}
