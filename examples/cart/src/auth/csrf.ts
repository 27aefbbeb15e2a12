import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Session } from '@tina4/session-core';
import type { RequestHandler } from 'express';
import { HttpError } from '../http/http-error.js';
import { isFormPost } from '../http/negotiate.js';

/** The session key of the form token, and the name of the hidden form field that carries it. */
const TOKEN_KEY = 'form_token';
export const FORM_TOKEN_FIELD = 'form_token';

/** The session's form token, created on first use. Every form of the session embeds it. */
export function formToken(session: Session): string {
  const existing = session.get(TOKEN_KEY);
  if (typeof existing === 'string') return existing;
  return rotateFormToken(session);
}

/** Replaces the form token, e.g. on login, so that a token seen before login is worthless after it. */
export function rotateFormToken(session: Session): string {
  const token = randomBytes(32).toString('base64url');
  session.set(TOKEN_KEY, token);
  return token;
}

/** Whether `submitted` is the session's form token, compared in constant time. */
export function isValidFormToken(session: Session, submitted: unknown): boolean {
  const expected = session.get(TOKEN_KEY);
  if (typeof expected !== 'string' || typeof submitted !== 'string') return false;
  // Hashing first gives both sides the same length, which timingSafeEqual requires, without
  // revealing the expected token's length through an early return.
  return timingSafeEqual(digest(expected), digest(submitted));
}

/**
 * Refuses (403) HTML form posts that do not carry the session's form token: a page on another site
 * can submit a form to this one, but it cannot read the token. JSON requests need no token, since a
 * browser sends cross-site `application/json` only after a CORS preflight that this app never grants.
 */
export function requireFormToken(): RequestHandler {
  return (req, _res, next) => {
    if (!isFormPost(req)) {
      next();
      return;
    }
    const submitted = (req.body as Record<string, unknown> | undefined)?.[FORM_TOKEN_FIELD];
    if (isValidFormToken(req.session, submitted)) next();
    else
      next(
        new HttpError(
          403,
          'This form has expired or did not come from this site. Reload the page and try again.',
        ),
      );
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
