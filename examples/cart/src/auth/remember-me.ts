import type { RequestHandler, Response } from 'express';
import { jwtVerify, SignJWT } from 'jose';
import { logIn } from './login-session.js';
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
}

/**
 * "Remember me": a signed JWT naming the user, in a 30-day HttpOnly cookie. The session itself
 * still expires after `TINA4_SESSION_TTL`; when a request arrives without a logged-in session but
 * with a valid token, {@link RememberMe.restore} logs the user in again on a fresh session id.
 * The token holds only the user id; the server decides who that is and whether they still exist.
 */
export class RememberMe {
  readonly #secret: Uint8Array;
  readonly #secure: boolean;

  constructor(options: RememberMeOptions) {
    this.#secret = options.secret;
    this.#secure = options.secure;
  }

  /** Sets the remember-me cookie for `user`. */
  async issue(res: Response, user: User): Promise<void> {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(String(user.id))
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(new Date(Date.now() + LIFETIME_MS))
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

  /** The user a token names, when its signature, issuer, audience and expiry check out. */
  async verify(token: string): Promise<User | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.#secret, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
      });
      return payload.sub !== undefined && /^\d+$/.test(payload.sub)
        ? findUserById(Number(payload.sub))
        : undefined;
    } catch {
      return undefined; // forged, expired or signed with another secret: treated as no token
    }
  }

  /** Middleware: logs the user back in from the cookie when the session is not logged in. */
  restore(): RequestHandler {
    return async (req, res, next) => {
      const token = req.cookies[REMEMBER_COOKIE];
      if (!token || req.session.get('logged_in') === true) {
        next();
        return;
      }
      const user = await this.verify(token);
      if (user) logIn(req.session, user, 'remember-me');
      else this.clear(res);
      next();
    };
  }
}
