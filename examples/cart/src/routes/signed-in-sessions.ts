import type { UserSession } from '@tina4/session-core';
import { type Request, type Response, Router } from 'express';
import { signedInUser } from '../auth/login-session.js';
import type { RememberMe } from '../auth/remember-me.js';
import { HttpError } from '../http/http-error.js';
import { wantsHtml } from '../http/negotiate.js';

/** One of the user's sessions as the dashboard and `GET /api/sessions` show it. */
export interface ShownSession {
  readonly handle: string;
  readonly device: string;
  readonly current: boolean;
  readonly created_at: string;
  readonly last_seen_at: string;
  /** "Active now", "Last seen 5 minutes ago", "Last seen 3 days ago". */
  readonly last_seen_text: string;
}

/** The user's sessions for display: this device first, then the most recently used. */
export function describeSessions(sessions: readonly UserSession[]): ShownSession[] {
  const now = Date.now();
  return [...sessions]
    .sort((a, b) => Number(b.current) - Number(a.current))
    .map((session) => ({
      handle: session.handle,
      device: session.device ?? 'Unknown device',
      current: session.current,
      created_at: session.createdAt.toISOString(),
      last_seen_at: session.lastSeenAt.toISOString(),
      last_seen_text: lastSeen(now - session.lastSeenAt.getTime()),
    }));
}

/**
 * "Where you're signed in": the logged-in user's sessions on other devices, and signing them out,
 * one or all but this one. The dashboard lists them (its forms post here, with the form token the
 * app-wide middleware checks); JSON clients get `GET /api/sessions` and `POST
 * /api/sessions/revoke-others`. A session signed out is destroyed in the store, so its cookie no
 * longer logs anyone in, and the remember-me tokens of its login are revoked with it, so that its
 * browser cannot log itself back in.
 */
export function signedInSessionsRoutes({ rememberMe }: { readonly rememberMe: RememberMe }): Router {
  const router = Router();

  router.get('/api/sessions', async (req, res) => {
    signedIn(req);
    res.json({ sessions: describeSessions(await req.session.userSessions()) });
  });

  router.post(['/api/sessions/revoke-others', '/sessions/revoke-others'], async (req, res) => {
    const user = signedIn(req);
    const ended = await req.session.revokeOtherSessions();
    await rememberMe.forgetOtherSessions(req, user.id);
    const message =
      ended === 0
        ? 'You were signed in nowhere else'
        : `Signed out of ${ended} other session${ended === 1 ? '' : 's'}`;
    answer(req, res, message, { ended });
  });

  router.post('/sessions/revoke', async (req, res) => {
    const user = signedIn(req);
    const handle = (req.body as Record<string, unknown> | undefined)?.handle;
    if (typeof handle !== 'string' || handle === '')
      throw new HttpError(400, 'Say which session to sign out.');
    if (handle === req.session.handle) {
      throw new HttpError(400, 'That is this device: use "Log out" to sign out here.');
    }
    const ended = await req.session.revokeSession(handle);
    await rememberMe.forgetSession(req, user.id, handle);
    answer(req, res, ended ? 'Signed out of that session' : 'That session had already ended', { ended });
  });

  return router;
}

/** The logged-in user, or a 401 (the error page, or JSON for API clients). */
function signedIn(req: Request): { readonly id: number } {
  const user = signedInUser(req.session);
  if (!user) throw new HttpError(401, 'Log in first.');
  return user;
}

/** Back to the dashboard with a flash for a form; JSON with the message for API clients. */
function answer(req: Request, res: Response, message: string, result: Record<string, unknown>): void {
  if (!wantsHtml(req)) {
    res.json({ message, ...result });
    return;
  }
  req.session.flash('message', message);
  req.session.flash('message_type', 'success');
  res.redirect(303, '/dashboard');
}

/** "Active now" within two minutes (the store notes activity about once a minute), else when it was last seen. */
function lastSeen(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 2) return 'Active now';
  if (minutes < 60) return `Last seen ${minutes} minutes ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `Last seen ${hours} hour${hours === 1 ? '' : 's'} ago`;
  const days = Math.floor(hours / 24);
  return `Last seen ${days} day${days === 1 ? '' : 's'} ago`;
}
