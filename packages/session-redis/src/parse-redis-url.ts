import { SessionConfigError } from '@tina4/session-core';

/** The parts of a `redis://` / `rediss://` URL. */
export interface RedisUrlParts {
  host: string | undefined;
  port: number | undefined;
  username: string | undefined;
  password: string | undefined;
  db: number | undefined;
  tls: boolean;
}

const PLAIN_SCHEMES = new Set(['redis:', 'valkey:']);
const TLS_SCHEMES = new Set(['rediss:', 'valkeys:']);

/**
 * Reads `redis://[user[:password]@]host[:port][/db]` (`rediss://` for TLS; `valkey://` and
 * `valkeys://` are accepted too). Error messages never repeat the URL: it may hold a password.
 */
export function parseRedisUrl(variable: string, raw: string): RedisUrlParts {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new SessionConfigError(
      `${variable} is not a valid URL. Use redis://[user:password@]host[:port][/db], or rediss://... for TLS ` +
        '(percent-encode special characters in the password).',
    );
  }
  const tls = TLS_SCHEMES.has(url.protocol);
  if (!tls && !PLAIN_SCHEMES.has(url.protocol)) {
    throw new SessionConfigError(
      `${variable} has the scheme "${url.protocol}". Use redis:// (or rediss:// for TLS).`,
    );
  }
  const path = url.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d+$/.test(path)) {
    throw new SessionConfigError(
      `${variable} has the path "/${path}". The path, if any, is a database number: /0, /1, ...`,
    );
  }
  return {
    // WHATWG URLs keep the brackets of an IPv6 host; Node's sockets want the bare address.
    host: url.hostname === '' ? undefined : url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? undefined : Number(url.port),
    username: url.username === '' ? undefined : decodeURIComponent(url.username),
    password: url.password === '' ? undefined : decodeURIComponent(url.password),
    db: path === '' ? undefined : Number(path),
    tls,
  };
}
