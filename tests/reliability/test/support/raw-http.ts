import { Agent, request } from 'node:http';
import { connect } from 'node:net';

/** What came back for one request: the status (or why there was none), the body and the cookies set. */
export interface RawAnswer {
  readonly status: number | 'no-response';
  /** The body, or for `no-response` what happened to the connection. */
  readonly body: string;
  readonly setCookies: string[];
}

/** Sends requests with Node's HTTP client over kept-alive connections (header bytes as latin-1). */
export function createSender(baseUrl: string): {
  send(method: string, path: string, cookie: Buffer): Promise<RawAnswer>;
  close(): void;
} {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const { hostname, port } = new URL(baseUrl);
  return {
    send(method, path, cookie) {
      return new Promise((resolve) => {
        const req = request(
          { agent, host: hostname, port, method, path, headers: { cookie: cookie.toString('latin1') } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 'no-response',
                body: Buffer.concat(chunks).toString(),
                setCookies: res.headers['set-cookie'] ?? [],
              }),
            );
            res.on('error', (error) =>
              resolve({ status: 'no-response', body: error.message, setCookies: [] }),
            );
          },
        );
        req.on('error', (error) => resolve({ status: 'no-response', body: error.message, setCookies: [] }));
        req.end();
      });
    },
    close: () => agent.destroy(),
  };
}

/**
 * Sends one request as raw bytes on a new connection (`Connection: close`) and reads the answer:
 * for header bytes that Node's client and `fetch` refuse to send (control characters, CR/LF).
 */
export function sendRaw(baseUrl: string, method: string, path: string, cookie: Buffer): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  const head = Buffer.concat([
    Buffer.from(`${method} ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nCookie: `, 'latin1'),
    cookie,
    Buffer.from('\r\nConnection: close\r\n\r\n', 'latin1'),
  ]);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy());
    socket.on('connect', () => socket.end(head));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      const [headers = '', body = ''] = text.split('\r\n\r\n', 2);
      resolve({
        status: match ? Number(match[1]) : 'no-response',
        body,
        setCookies: headers
          .split('\r\n')
          .filter((line) => /^set-cookie:/i.test(line))
          .map((line) => line.slice(line.indexOf(':') + 1).trim()),
      });
    });
  });
}
