import { Router } from 'express';
import { currentUser, logIn } from '../auth/login-session.js';
import { REMEMBER_COOKIE, type RememberMe } from '../auth/remember-me.js';
import { authenticate } from '../auth/users.js';
import { Cart } from '../cart/cart.js';
import { renderPage } from '../views/render-page.js';

/**
 * Form login with the chapter's session handling: `GET /login` (the form, with a form token),
 * `POST /login` (check the password, regenerate the session, optionally remember the browser for
 * 30 days), `GET /dashboard` (logged-in users only) and `POST /logout` (destroy the session).
 * Form tokens are checked by the app-wide `requireFormToken` middleware before these run.
 */
export function authRoutes(rememberMe: RememberMe): Router {
  const router = Router();

  router.get('/login', (req, res) => {
    if (currentUser(req.session)) {
      res.redirect('/dashboard');
      return;
    }
    renderPage(req, res, 'login.html', { email: req.session.getFlash('login_email', '') });
  });

  router.post('/login', async (req, res) => {
    const { email, password, remember } = (req.body ?? {}) as Record<string, unknown>;
    const user =
      typeof email === 'string' && typeof password === 'string' && email !== '' && password !== ''
        ? await authenticate(email, password)
        : undefined;
    if (!user) {
      req.session.flash('message', 'Invalid email or password');
      req.session.flash('message_type', 'error');
      if (typeof email === 'string') req.session.flash('login_email', email.slice(0, 200));
      res.redirect(303, '/login');
      return;
    }
    logIn(req.session, user, 'password');
    if (remember === '1' || remember === 'on' || remember === true) await rememberMe.issue(res, user);
    req.session.flash('message', `Welcome back, ${user.name}!`);
    req.session.flash('message_type', 'success');
    res.redirect(303, '/dashboard');
  });

  router.get('/dashboard', (req, res) => {
    const user = currentUser(req.session);
    if (!user) {
      res.redirect('/login');
      return;
    }
    renderPage(req, res, 'dashboard.html', {
      user_name: user.name,
      role: user.role,
      login_time: user.loginTime,
      login_time_text: formatTime(user.loginTime),
      login_method: user.method,
      remembered: req.cookies[REMEMBER_COOKIE] !== undefined,
      summary: Cart.of(req.session).summary(),
    });
  });

  router.post('/logout', (req, res) => {
    req.session.destroy();
    rememberMe.clear(res);
    // A flash after destroy() starts a new, empty session that carries only the message.
    req.session.flash('message', 'You have been logged out');
    req.session.flash('message_type', 'info');
    res.redirect(303, '/login');
  });

  return router;
}

/** "27 Nov 2025, 09:14 UTC" from an ISO timestamp. */
function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })} UTC`;
}
