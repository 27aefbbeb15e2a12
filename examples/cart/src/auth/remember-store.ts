import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the server knows about one remember-me token, stored under the SHA-256 of its id. */
interface StoredToken {
  readonly userId: number;
  /** The tokens that descend from one password login, by rotation, share a family. */
  readonly family: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
  /** Set once the token has been used (and replaced): a second use means it was copied. */
  rotatedAt?: number;
  /**
   * The handle of the session the token logged in (see `req.session.handle`): signing that session
   * out elsewhere (the dashboard's list) revokes the token's family too.
   */
  readonly session?: string;
}

/** The outcome of presenting a token id. */
export type TokenUse =
  /** Known and unused: it may log the browser in, once. It is now marked as used. */
  | { readonly status: 'valid'; readonly userId: number; readonly family: string }
  /**
   * Used moments ago (within the reuse leeway): the same browser's parallel requests, e.g. tabs
   * reopened together. It may log in, but its replacement has already been issued.
   */
  | { readonly status: 'just-used'; readonly userId: number; readonly family: string }
  /** Already used, longer ago than the leeway: a copy. Its whole family has been revoked. */
  | { readonly status: 'replayed'; readonly userId: number }
  /** Never issued, revoked (logout), or expired. */
  | { readonly status: 'unknown' };

const FILE_NAME = 'remember-tokens.json';
const FORMAT = 1;

/**
 * The server's list of remember-me tokens: in memory, written through to `remember-tokens.json`
 * in the data directory so that it survives a restart. It holds only SHA-256 hashes of the token
 * ids, so that a copy of the file logs nobody in. Each write replaces the file atomically
 * (temporary file, then rename); the file is small and changes only on login, logout and when a
 * token is used, so the writes are synchronous, like the core's file store.
 *
 * One process only: several servers would each keep their own list. A real deployment keeps this
 * table in its database (or the session store's Redis).
 */
export class RememberTokenStore {
  readonly #file: string;
  readonly #directory: string;
  readonly #tokens = new Map<string, StoredToken>();
  readonly #logger: Pick<Console, 'warn'>;
  readonly #reuseLeewayMs: number;

  /**
   * @param directory the data directory (created on the first write)
   * @param reuseLeewayMs how long after its use a token still counts as the same browser's
   */
  constructor(directory: string, logger: Pick<Console, 'warn'>, reuseLeewayMs: number) {
    this.#directory = directory;
    this.#file = join(directory, FILE_NAME);
    this.#logger = logger;
    this.#reuseLeewayMs = reuseLeewayMs;
    this.#load();
  }

  /**
   * Records a new token for `userId` (in `family`, or a new family), for the session with handle
   * `session`, and returns its id.
   */
  issue(
    userId: number,
    expiresAt: number,
    family = randomId(),
    session?: string,
  ): { id: string; family: string } {
    const id = randomId();
    this.#tokens.set(hashOf(id), { userId, family, expiresAt, ...(session !== undefined && { session }) });
    this.#save();
    return { id, family };
  }

  /** The family of token `id` while the server knows it (issued, not revoked, not expired). */
  familyOf(id: string): string | undefined {
    return this.#live(id)?.family;
  }

  /**
   * Revokes the families of `userId`'s tokens that `which` picks, given each family and the
   * handles of the sessions its tokens logged in; returns how many families it revoked.
   */
  revokeFamilies(userId: number, which: (family: string, sessions: ReadonlySet<string>) => boolean): number {
    const families = new Map<string, Set<string>>();
    const now = Date.now();
    for (const token of this.#tokens.values()) {
      if (token.userId !== userId || token.expiresAt <= now) continue;
      const sessions = families.get(token.family) ?? new Set<string>();
      families.set(token.family, sessions);
      if (token.session !== undefined) sessions.add(token.session);
    }
    let revoked = 0;
    for (const [family, sessions] of families) {
      if (!which(family, sessions)) continue;
      this.#revokeFamily(family);
      revoked++;
    }
    return revoked;
  }

  /**
   * Presents token `id`: a known, unused token is marked as used (the caller issues its
   * replacement); one used longer ago than the leeway is a copy, so its family is revoked.
   */
  use(id: string): TokenUse {
    const token = this.#live(id);
    if (!token) return { status: 'unknown' };
    if (token.rotatedAt !== undefined) {
      if (Date.now() - token.rotatedAt <= this.#reuseLeewayMs) {
        return { status: 'just-used', userId: token.userId, family: token.family };
      }
      this.#revokeFamily(token.family);
      return { status: 'replayed', userId: token.userId };
    }
    token.rotatedAt = Date.now();
    this.#save();
    return { status: 'valid', userId: token.userId, family: token.family };
  }

  /** Revokes token `id` and the whole family it belongs to (logout). */
  revoke(id: string): void {
    const token = this.#live(id);
    if (token) this.#revokeFamily(token.family);
  }

  #live(id: string): StoredToken | undefined {
    const token = this.#tokens.get(hashOf(id));
    return token && token.expiresAt > Date.now() ? token : undefined;
  }

  #revokeFamily(family: string): void {
    for (const [key, token] of this.#tokens) if (token.family === family) this.#tokens.delete(key);
    this.#save();
  }

  #load(): void {
    let text: string;
    try {
      text = readFileSync(this.#file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    try {
      const data = JSON.parse(text) as { format?: unknown; tokens?: unknown };
      if (data.format !== FORMAT || typeof data.tokens !== 'object' || data.tokens === null) {
        throw new Error('unknown format');
      }
      const now = Date.now();
      for (const [key, value] of Object.entries(data.tokens as Record<string, unknown>)) {
        const token = value as Partial<StoredToken>;
        if (
          /^[0-9a-f]{64}$/.test(key) &&
          typeof token.userId === 'number' &&
          typeof token.family === 'string' &&
          typeof token.expiresAt === 'number' &&
          token.expiresAt > now
        ) {
          this.#tokens.set(key, {
            userId: token.userId,
            family: token.family,
            expiresAt: token.expiresAt,
            ...(typeof token.rotatedAt === 'number' && { rotatedAt: token.rotatedAt }),
            ...(typeof token.session === 'string' && { session: token.session }),
          });
        }
      }
    } catch (error) {
      // A damaged file must not stop the shop: everyone logs in again with their password.
      this.#logger.warn(
        `[cart] ${this.#file} could not be read (${(error as Error).message}); starting with no remember-me tokens.`,
      );
    }
  }

  #save(): void {
    const now = Date.now();
    const tokens: Record<string, StoredToken> = {};
    for (const [key, token] of this.#tokens) {
      if (token.expiresAt > now) tokens[key] = token;
      else this.#tokens.delete(key);
    }
    mkdirSync(this.#directory, { recursive: true, mode: 0o700 });
    const temporary = `${this.#file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(temporary, `${JSON.stringify({ format: FORMAT, tokens }, null, 1)}\n`, { mode: 0o600 });
    renameSync(temporary, this.#file);
  }
}

function randomId(): string {
  return randomBytes(32).toString('base64url');
}

function hashOf(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}
