import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { closeServer } from './apps.js';

/** A self-signed certificate for 127.0.0.1, made with the openssl CLI. */
export interface Certificate {
  readonly key: Buffer;
  readonly cert: Buffer;
}

export async function selfSignedCertificate(): Promise<Certificate> {
  const dir = await mkdtemp(join(tmpdir(), 'tina4-reliability-tls-'));
  try {
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ]);
    return { key: await readFile(join(dir, 'key.pem')), cert: await readFile(join(dir, 'cert.pem')) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A running HTTPS server. */
export interface RunningHttps {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A TLS-terminating reverse proxy in front of `upstream` (an http:// URL), as nginx or a load
 * balancer would be: HTTPS to the client, plain HTTP to the app, with `X-Forwarded-Proto: https`.
 */
export function startTlsProxy(certificate: Certificate, upstream: string): Promise<RunningHttps> {
  const target = new URL(upstream);
  const server = createHttpsServer(certificate, (req, res) => {
    const forwarded = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: {
          ...req.headers,
          'x-forwarded-proto': 'https',
          'x-forwarded-for': req.socket.remoteAddress,
        },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', () => res.writeHead(502).end());
    req.pipe(forwarded);
  });
  return listenHttps(server);
}

/** Listens on a free loopback port. */
export function listenHttps(server: Server): Promise<RunningHttps> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `https://127.0.0.1:${port}`, close: () => closeServer(server) });
    });
  });
}

/** A request over HTTPS that trusts `certificate`: the status and the response's headers. */
export function httpsFetch(
  url: string,
  certificate: Certificate,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      { method: options.method ?? 'GET', headers: options.headers, ca: certificate.cert, agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
