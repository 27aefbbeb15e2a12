import { doubleCsrf } from 'csrf-csrf';
import type { Request, RequestHandler, Response } from 'express';
import { cookiesOf } from '../http/cookies.js';
import { HttpError } from '../http/http-error.js';
import { isFormPost } from '../http/negotiate.js';

/** The name of the hidden form field that carries the form token. */
export const FORM_TOKEN_FIELD = 'form_token';

/** Name of the cookie that holds the browser's form token (with `__Host-` in front outside development). */
export const FORM_TOKEN_COOKIE = 'cart_form_token';

const REFUSED = 'This form has expired or did not come from this site. Reload the page and try again.';

export interface FormTokenOptions {
  /** The HMAC key that signs the tokens (derived from `TINA4_JWT_SECRET`, see `app.ts`). */
  readonly secret: string;
  /** HTTPS only, and the `__Host-` cookie prefix: everywhere but development over plain http. */
  readonly secure: boolean;
}

/**
 * Form tokens by the signed double-submit cookie pattern ([csrf-csrf](https://github.com/Psifi-Solutions/csrf-csrf)),
 * so that no page view has to store anything: a page puts a token in each of its forms and the
 * same value in an HttpOnly cookie; the token is a random value and its HMAC under a server
 * secret. A form post must bring the field and the cookie, equal and correctly signed. A page on
 * another site can make the browser post a form here, with the cookie, but it cannot read the
 * token to put it in the form, and it cannot make up a pair, because it does not have the secret.
 *
 * The token is bound to the browser (its cookie), not to the session: it exists before any
 * session does (no session file for a visitor who only looks), and it still works after the
 * session expired, so that the click of a page left open for an hour is not refused. It is
 * replaced on login and on logout, so that a pair known before either is worthless after it; in
 * production its cookie has the `__Host-` prefix, which a sibling subdomain cannot set.
 *
 * JSON requests need no token: a browser sends cross-site `application/json` only after a CORS
 * preflight, which this app never grants.
 */
export class FormTokens {
  readonly #generate: (req: Request, res: Response, options?: { overwrite?: boolean }) => string;
  readonly #validate: (req: Request) => boolean;

  constructor(options: FormTokenOptions) {
    const { generateCsrfToken, validateRequest } = doubleCsrf({
      getSecret: () => options.secret,
      // Bound to the browser's cookie alone: see the class comment for why not to the session.
      getSessionIdentifier: () => '',
      cookieName: options.secure ? `__Host-${FORM_TOKEN_COOKIE}` : FORM_TOKEN_COOKIE,
      // Lax, not Strict: a Strict cookie is missing when the shopper arrives from a link, and the
      // page would then replace the token under the forms of the browser's other tabs.
      cookieOptions: { sameSite: 'lax', path: '/', secure: options.secure, httpOnly: true },
      // Only a single string from the form body: never the cookie, never a header fallback.
      getCsrfTokenFromRequest: (req) => {
        const value = (req.body as Record<string, unknown> | undefined)?.[FORM_TOKEN_FIELD];
        return typeof value === 'string' ? value : undefined;
      },
    });
    this.#generate = generateCsrfToken;
    this.#validate = validateRequest;
  }

  /**
   * The browser's form token, for the forms of the page being rendered: the one its cookie holds
   * when that is valid (every tab of the browser shares it), otherwise a new one, set as its cookie.
   */
  token(req: Request, res: Response): string {
    const current = res.locals.formToken;
    if (typeof current === 'string') return current;
    return this.#issue(req, res, false);
  }

  /** Replaces the browser's form token (on login and logout): a token seen before is refused after. */
  rotate(req: Request, res: Response): string {
    return this.#issue(req, res, true);
  }

  /** Refuses (403) HTML form posts whose token is missing, wrong, or does not match the cookie. */
  middleware(): RequestHandler {
    return (req, _res, next) => {
      if (!isFormPost(req) || this.#validate(withCookies(req))) next();
      else next(new HttpError(403, REFUSED));
    };
  }

  #issue(req: Request, res: Response, overwrite: boolean): string {
    const token = this.#generate(withCookies(req), res, { overwrite });
    res.locals.formToken = token;
    return token;
  }
}

/** `req` with `req.cookies` (the session middleware parses them; an early error page may come before it). */
function withCookies(req: Request): Request {
  cookiesOf(req);
  return req;
}
