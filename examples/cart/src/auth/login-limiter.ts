import { isIPv4, isIPv6 } from 'node:net';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/** How many failed login attempts are allowed, and over what window. */
export interface LoginLimit {
  /** Failed attempts allowed in a window (default 5); the next attempt is refused. */
  readonly attempts: number;
  /** The window, in seconds (default 900: 15 minutes). */
  readonly windowSeconds: number;
}

export const DEFAULT_LOGIN_LIMIT: LoginLimit = { attempts: 5, windowSeconds: 15 * 60 };

/** A refused attempt: how long until the next one may be made. */
export interface LoginRefusal {
  readonly retryAfterSeconds: number;
}

/**
 * Limits password guessing with [rate-limiter-flexible](https://github.com/animir/node-rate-limiter-flexible):
 * at most `attempts` failed logins per window from one client (its IP address; an IPv6 client by
 * its /64, which one machine usually has whole) and against one email (from any number of clients,
 * so that a botnet cannot try a password per address). Counts live in this process's memory.
 *
 * Every attempt is counted before its password is checked, and refunded when it succeeds: checking
 * first and counting after a failure would let parallel attempts all pass the check. A successful
 * login clears the email's count (its owner knows the password); the client's count stays, so
 * that logging into one's own account cannot reset a spraying client's count.
 */
export class LoginLimiter {
  readonly #byClient: RateLimiterMemory;
  readonly #byEmail: RateLimiterMemory;
  readonly limit: LoginLimit;

  constructor(limit: LoginLimit = DEFAULT_LOGIN_LIMIT) {
    this.limit = limit;
    const options = { points: limit.attempts, duration: limit.windowSeconds };
    this.#byClient = new RateLimiterMemory({ ...options, keyPrefix: 'login-client' });
    this.#byEmail = new RateLimiterMemory({ ...options, keyPrefix: 'login-email' });
  }

  /**
   * Counts an attempt by `ip` for `email`. Resolves a refusal when the client or the email has
   * used up its attempts (the password must then not be checked), otherwise `undefined`.
   */
  async attempt(ip: string | undefined, email: string): Promise<LoginRefusal | undefined> {
    const results = await Promise.all([
      consume(this.#byClient, clientKey(ip)),
      email === '' ? undefined : consume(this.#byEmail, emailKey(email)),
    ]);
    const refusals = results.filter((result): result is LoginRefusal => result !== undefined);
    if (refusals.length === 0) return undefined;
    return { retryAfterSeconds: Math.max(...refusals.map((refusal) => refusal.retryAfterSeconds)) };
  }

  /** The attempt succeeded: it is not a failure, and the email's earlier failures are forgiven. */
  async succeeded(ip: string | undefined, email: string): Promise<void> {
    await Promise.all([this.#byClient.reward(clientKey(ip), 1), this.#byEmail.delete(emailKey(email))]);
  }
}

async function consume(limiter: RateLimiterMemory, key: string): Promise<LoginRefusal | undefined> {
  try {
    await limiter.consume(key, 1);
    return undefined;
  } catch (rejection) {
    // A memory limiter rejects only with a RateLimiterRes (no store that could fail).
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    return { retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
  }
}

/** The email as the user table matches it (trimmed, lower case), bounded in length. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase().slice(0, 320);
}

/** The client an address stands for: an IPv4 address, or the /64 network of an IPv6 one. */
export function clientKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  if (mapped && isIPv4(mapped)) return mapped;
  if (isIPv4(ip)) return ip;
  if (!isIPv6(ip)) return ip;
  return `${ipv6Network(ip)}::/64`;
}

/** The first four groups (the /64 network) of an IPv6 address, `::` expanded, zone id dropped. */
function ipv6Network(ip: string): string {
  const address = ip.split('%')[0]!.toLowerCase();
  const [head = '', tail] = address.split('::');
  // An embedded IPv4 address (`::ffff:1.2.3.4`, `64:ff9b::1.2.3.4`) is the last two groups.
  const groups = (part: string) =>
    part === '' ? [] : part.split(':').flatMap((group) => (isIPv4(group) ? ['0', '0'] : [group]));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all =
    tail === undefined
      ? left
      : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return all
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':');
}
