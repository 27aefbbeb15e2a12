import { createServer, connect as netConnect, type Socket } from 'node:net';

/**
 * A TCP proxy on a spare loopback port in front of a real server, that can freeze: connections
 * stay open and new ones are accepted, but no byte moves in either direction, as with a hung
 * database or a network that drops packets without resetting anything. Bytes sent while frozen
 * are held and delivered in order on thaw, as a network that comes back delivers what it queued.
 */
export interface FreezableProxy {
  readonly host: string;
  readonly port: number;
  /** `url` with its host and port replaced by the proxy's. */
  via(url: string): string;
  freeze(): void;
  thaw(): void;
  /** Closes every connection and the listener. */
  close(): Promise<void>;
}

interface Pipe {
  readonly from: Socket;
  readonly to: Socket;
  readonly held: Buffer[];
  ended: boolean;
}

export async function startFreezableProxy(target: { host: string; port: number }): Promise<FreezableProxy> {
  let frozen = false;
  const pipes = new Set<Pipe>();
  const sockets = new Set<Socket>();

  const flush = (pipe: Pipe): void => {
    for (const chunk of pipe.held.splice(0)) pipe.to.write(chunk);
    if (pipe.ended) pipe.to.end();
  };
  const forward = (from: Socket, to: Socket): void => {
    const pipe: Pipe = { from, to, held: [], ended: false };
    pipes.add(pipe);
    from.on('data', (chunk: Buffer) => {
      if (frozen) pipe.held.push(chunk);
      else to.write(chunk);
    });
    from.on('end', () => {
      pipe.ended = true;
      if (!frozen) to.end();
    });
    from.on('close', () => pipes.delete(pipe));
  };
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
  };

  const server = createServer((client) => {
    track(client);
    const upstream = netConnect(target.port, target.host);
    track(upstream);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no TCP port');
  const { port } = address;

  return {
    host: '127.0.0.1',
    port,
    via(url) {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(port);
      return parsed.toString();
    },
    freeze() {
      frozen = true;
    },
    thaw() {
      frozen = false;
      for (const pipe of pipes) flush(pipe);
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
