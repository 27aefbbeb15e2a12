import { describeUserAgent } from '@tina4/session-core';
import type { Request, RequestHandler, Response } from 'express';
import { jwtVerify, SignJWT } from 'jose';
import { logIn } from './login-session.js';
import type { RememberTokenStore } from './remember-store.js';
import { findUserById, type User } from './users.js';

/** Name of the remember-me cookie. */
export const REMEMBER_COOKIE = 'remember_token';

const LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;
const ISSUER = 'tina4-cart';
const AUDIENCE = 'remember-me';

export interface RememberMeOptions {
  /** HS256 key, from {@link resolveJwtSecret}. */
  readonly secret: Uint8Array;
  /** Mark the cookie Secure (HTTPS only): everywhere but development over plain http. */
  readonly secure: boolean;
  /** The server's list of tokens: what makes a token revocable. */
  readonly store: RememberTokenStore;
  readonly logger: Pick<Console, 'warn'>;
}

/** What a signed, unexpired token claims: the user and the token's id. */
interface Claims {
  readonly userId: number;
  readonly tokenId: string;
}

/** A login a token allows: the user, its family, and whether the token must be replaced now. */
interface TokenLogin {
  readonly user: User;
  readonly family: string;
  readonly replace: boolean;
}

/**
 * "Remember me": a signed JWT naming the user and a token id, in a 30-day HttpOnly cookie. The
 * session itself still expires after `TINA4_SESSION_TTL`; when a request arrives without a
 * logged-in session but with a token, {@link RememberMe.restore} logs the user in again on a
 * fresh session id.
 *
 * The signature alone would let a copied cookie log in for 30 days, logout or not. So the server
 * also keeps each token's id ({@link RememberTokenStore}): a token logs in only while its id is
 * known, each use replaces it with a new token (the used id is then spent), logout removes it, and
 * a token whose id is unknown is refused and its cookie deleted. A spent token presented again
 * (after a short leeway for the browser's own parallel requests) means someone copied it: every
 * token descended from that login is revoked, the copy's and the real browser's alike.
 *
 * Each token also names the session it logged in (its handle): when the user signs a session out
 * from another device (the dashboard's "Where you're signed in"), the tokens of that session's
 * login are revoked with it, or its browser would simply log itself back in.
 */
export class RememberMe {
  readonly #secret: Uint8Array;
  readonly #secure: boolean;
  readonly #store: RememberTokenStore;
  readonly #logger: Pick<Console, 'warn'>;

  constructor(options: RememberMeOptions) {
    this.#secret = options.secret;
    this.#secure = options.secure;
    this.#store = options.store;
    this.#logger = options.logger;
  }

  /**
   * Sets a new remember-me cookie for `user`, for the session with handle `session` (the one just
   * logged in): a new family after a password login, the same family when it replaces a token
   * that was just used.
   */
  async issue(res: Response, user: User, session: string | null, family?: string): Promise<void> {
    const expiresAt = Date.now() + LIFETIME_MS;
    const { id } = this.#store.issue(user.id, expiresAt, family, session ?? undefined);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(String(user.id))
      .setJti(id)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(new Date(expiresAt))
      .sign(this.#secret);
    res.cookie(REMEMBER_COOKIE, token, {
      maxAge: LIFETIME_MS,
      httpOnly: true,
      secure: this.#secure,
      path: '/',
      sameSite: 'lax',
    });
  }

  /** Deletes the remember-me cookie (on logout, or when the token is no longer valid). */
  clear(res: Response): void {
    res.cookie(REMEMBER_COOKIE, '', {
      maxAge: 0,
      httpOnly: true,
      secure: this.#secure,
      path: '/',
      sameSite: 'lax',
    });
  }

  /**
   * Revokes the request's token, if it has one, and deletes its cookie unless `replaced` (a
   * password login that issues a new one right after).
   */
  async revoke(req: Request, res: Response, { replaced = false } = {}): Promise<void> {
    const token = req.cookies[REMEMBER_COOKIE];
    if (!token) return;
    const claims = await this.#verify(token);
    if (claims) this.#store.revoke(claims.tokenId);
    if (!replaced) this.clear(res);
  }

  /**
   * Revokes the tokens that logged in the session with handle `handle`, which the user has just
   * signed out from this request's browser; this browser's own token stays.
   */
  async forgetSession(req: Request, userId: number, handle: string): Promise<void> {
    const own = await this.#familyOf(req);
    this.#store.revokeFamilies(userId, (family, sessions) => family !== own && sessions.has(handle));
  }

  /**
   * Revokes every token of the user but this browser's (its cookie's, or its session's): after
   * "sign out everywhere else", no other browser can log itself back in, including one whose
   * session has already expired.
   */
  async forgetOtherSessions(req: Request, userId: number): Promise<void> {
    const own = await this.#familyOf(req);
    const handle = req.session.handle;
    this.#store.revokeFamilies(
      userId,
      (family, sessions) => family !== own && (handle === null || !sessions.has(handle)),
    );
  }

  /** Middleware: logs the user back in from the cookie when the session is not logged in. */
  restore(): RequestHandler {
    return async (req, res, next) => {
      const token = req.cookies[REMEMBER_COOKIE];
      if (!token || req.session.get('logged_in') === true) {
        next();
        return;
      }
      try {
        const login = await this.#use(token);
        if (login) {
          logIn(req.session, login.user, 'remember-me', describeUserAgent(req.get('user-agent')));
          // The replacement names the new session (its handle is known once logIn regenerated it).
          if (login.replace) await this.issue(res, login.user, req.session.handle, login.family);
        } else this.clear(res);
      } catch (error) {
        next(error);
        return;
      }
      next();
    };
  }

  /** The family of the request's remember-me token, while the server knows it. */
  async #familyOf(req: Request): Promise<string | undefined> {
    const token = req.cookies[REMEMBER_COOKIE];
    const claims = token ? await this.#verify(token) : undefined;
    return claims && this.#store.familyOf(claims.tokenId);
  }

  /** The login a token allows (its use recorded), or `undefined` if it allows none. */
  async #use(token: string): Promise<TokenLogin | undefined> {
    const claims = await this.#verify(token);
    if (!claims) return undefined; // forged, expired, or signed with another secret
    const use = this.#store.use(claims.tokenId);
    if (use.status === 'replayed') {
      this.#logger.warn(
        `[cart] a spent remember-me token of user ${use.userId} was presented again (a copied cookie?): ` +
          'all the tokens of that login are revoked.',
      );
      return undefined;
    }
    if (use.status === 'unknown' || use.userId !== claims.userId) return undefined;
    const user = findUserById(use.userId);
    if (!user) return undefined;
    return { user, family: use.family, replace: use.status === 'valid' };
  }

  /** What a token claims, when its signature, issuer, audience and expiry check out. */
  async #verify(token: string): Promise<Claims | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.#secret, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
      });
      if (payload.sub === undefined || !/^\d+$/.test(payload.sub) || typeof payload.jti !== 'string') {
        return undefined;
      }
      return { userId: Number(payload.sub), tokenId: payload.jti };
    } catch {
      return undefined;
    }
  }
}
