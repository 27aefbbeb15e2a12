import { describeUserAgent } from '@tina4/session-core';
import { type Request, type Response, Router } from 'express';
import type { FormTokens } from '../auth/csrf.js';
import type { LoginLimit, LoginLimiter, LoginRefusal } from '../auth/login-limiter.js';
import { currentUser, logIn, signedInUser } from '../auth/login-session.js';
import { REMEMBER_COOKIE, type RememberMe } from '../auth/remember-me.js';
import { authenticate } from '../auth/users.js';
import { Cart } from '../cart/cart.js';
import { wantsHtml } from '../http/negotiate.js';
import { AFTER_LOGIN, loginPath, safeReturnPath } from '../http/return-to.js';
import { renderPage } from '../views/render-page.js';
import { describeSessions } from './signed-in-sessions.js';

export interface AuthDependencies {
  readonly rememberMe: RememberMe;
  readonly formTokens: FormTokens;
  readonly limiter: LoginLimiter;
}

/**
 * Form login with the chapter's session handling: `GET /login` (the form, with a form token),
 * `POST /login` (check the password, regenerate the session, optionally remember the browser for
 * 30 days, then return to the page the shopper came from), `GET /dashboard` (logged-in users only)
 * and `POST /logout` (destroy the session, revoke the remember-me token). Form tokens are checked
 * by the app-wide middleware before these run; failed logins are limited by {@link LoginLimiter}.
 * JSON clients get JSON answers (200, 401, 429) instead of redirects.
 */
export function authRoutes({ rememberMe, formTokens, limiter }: AuthDependencies): Router {
  const router = Router();

  router.get('/login', (req, res) => {
    const next = safeReturnPath(req.query.next);
    if (currentUser(req.session)) {
      res.redirect(next ?? AFTER_LOGIN);
      return;
    }
    renderPage(req, res, 'login.html', { email: req.session.getFlash('login_email', ''), next });
  });

  router.post('/login', async (req, res) => {
    const { email, password, remember, next: rawNext } = bodyOf(req.body);
    const html = wantsHtml(req);
    const next = safeReturnPath(rawNext);
    const typedEmail = typeof email === 'string' ? email.slice(0, 200) : '';

    const refusal = await limiter.attempt(req.ip, typedEmail);
    if (refusal) {
      tooManyAttempts(req, res, refusal, { html, email: typedEmail, next, limit: limiter.limit });
      return;
    }
    const user =
      typedEmail !== '' && typeof password === 'string' && password !== ''
        ? await authenticate(typedEmail, password)
        : undefined;
    if (!user) {
      if (!html) {
        res.status(401).json({ error: 'Invalid email or password' });
        return;
      }
      req.session.flash('message', 'Invalid email or password');
      req.session.flash('message_type', 'error');
      if (typedEmail !== '') req.session.flash('login_email', typedEmail);
      res.redirect(303, loginPath(next));
      return;
    }
    await limiter.succeeded(req.ip, typedEmail);
    logIn(req.session, user, 'password', describeUserAgent(req.get('user-agent')));
    // A token from before the login is worthless after it; so is the browser's old remember-me token.
    formTokens.rotate(req, res);
    const remembered = remember === '1' || remember === 'on' || remember === true;
    await rememberMe.revoke(req, res, { replaced: remembered });
    if (remembered) await rememberMe.issue(res, user, req.session.handle);
    const destination = next ?? AFTER_LOGIN;
    if (!html) {
      res.json({
        message: `Welcome back, ${user.name}!`,
        user: { id: user.id, name: user.name, role: user.role },
        next: destination,
      });
      return;
    }
    req.session.flash('message', `Welcome back, ${user.name}!`);
    req.session.flash('message_type', 'success');
    res.redirect(303, destination);
  });

  router.get('/dashboard', async (req, res) => {
    const user = signedInUser(req.session);
    if (!user) {
      res.redirect('/login');
      return;
    }
    const sessions = describeSessions(await req.session.userSessions());
    renderPage(req, res, 'dashboard.html', {
      sessions,
      other_sessions: sessions.filter((session) => !session.current).length,
      user_name: user.name,
      role: user.role,
      login_time: user.loginTime,
      login_time_text: formatTime(user.loginTime),
      login_method: user.method,
      remembered: req.cookies[REMEMBER_COOKIE] !== undefined,
      summary: Cart.of(req.session).summary(),
    });
  });

  router.post('/logout', async (req, res) => {
    req.session.destroy();
    await rememberMe.revoke(req, res);
    formTokens.rotate(req, res);
    if (!wantsHtml(req)) {
      res.json({ message: 'You have been logged out' });
      return;
    }
    // A flash after destroy() starts a new, empty session that carries only the message.
    req.session.flash('message', 'You have been logged out');
    req.session.flash('message_type', 'info');
    res.redirect(303, '/login');
  });

  return router;
}

/** 429 with Retry-After: the login page with the reason for a browser, JSON for API clients. */
function tooManyAttempts(
  req: Request,
  res: Response,
  refusal: LoginRefusal,
  context: { html: boolean; email: string; next: string | undefined; limit: LoginLimit },
): void {
  const message = `Too many failed login attempts. Please try again in ${waitText(refusal.retryAfterSeconds)}.`;
  res.status(429).set('retry-after', String(refusal.retryAfterSeconds));
  if (!context.html) {
    res.json({ error: message, retry_after: refusal.retryAfterSeconds });
    return;
  }
  // Rendered, not redirected: a redirect cannot carry the 429, and a flash would need a session.
  renderPage(req, res, 'login.html', {
    email: context.email,
    next: context.next,
    flash_message: message,
    flash_type: 'error',
    locked: { attempts: context.limit.attempts, minutes: Math.round(context.limit.windowSeconds / 60) },
  });
}

/** "15 minutes", "1 minute", "40 seconds". */
function waitText(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

function bodyOf(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : {};
}

/** "27 Nov 2025, 09:14 UTC" from an ISO timestamp. */
function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })} UTC`;
}
