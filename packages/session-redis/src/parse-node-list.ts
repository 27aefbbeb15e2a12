import { SessionConfigError } from '@tina4/session-core';

/** A server's address. */
export interface RedisNode {
  readonly host: string;
  readonly port: number;
}

/**
 * Reads a list of `host:port` addresses (comma or space separated; `[::1]:7000` for IPv6; the port
 * may be left out for `defaultPort`). Errors name the variable and the entry that is wrong.
 */
export function parseNodeList(variable: string, raw: string, defaultPort: number): RedisNode[] {
  const entries = raw.split(/[\s,]+/).filter((entry) => entry !== '');
  if (entries.length === 0) {
    throw new SessionConfigError(
      `${variable} is set but lists no servers. Use host:port entries separated by commas.`,
    );
  }
  return entries.map((entry) => {
    const match = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry) ?? /^([^:[\]]+)(?::(\d+))?$/.exec(entry);
    const port = match?.[2] === undefined ? defaultPort : Number(match[2]);
    if (!match || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw new SessionConfigError(
        `${variable} has "${entry}", which is not a server address. Use host:port entries separated by commas, ` +
          'e.g. 10.0.0.1:6379,10.0.0.2:6379 ([::1]:6379 for IPv6).',
      );
    }
    return { host: match[1]!, port };
  });
}
