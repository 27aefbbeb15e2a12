import type { Session } from '@tina4/session-core';
import type { User } from './users.js';

/** The logged-in user as pages show it. */
export interface CurrentUser {
  readonly id: number;
  readonly name: string;
  readonly role: string;
  readonly loginTime: string;
  /** How this session was logged in: with the password, or restored from the remember-me cookie. */
  readonly method: 'password' | 'remember-me';
}

/**
 * Logs `user` in on this session. The session id is regenerated first, so that an id planted
 * before login (session fixation) is worthless afterwards. (A password login also replaces the
 * browser's form token: see `routes/auth.ts`.) The session is bound to the user, described by
 * `device` (from the User-Agent), for the dashboard's list of the user's sessions.
 */
export function logIn(
  session: Session,
  user: User,
  method: CurrentUser['method'],
  device: string | undefined,
): void {
  session.regenerate();
  session.setUser(user.id).setDevice(device);
  session.set('user_id', user.id);
  session.set('user_name', user.name);
  session.set('role', user.role);
  session.set('logged_in', true);
  session.set('login_time', new Date().toISOString());
  session.set('login_method', method);
}

/**
 * The logged-in user of the session, bound to it if it was logged in before sessions were bound
 * to users (an earlier version of the shop): its sessions can then be listed and ended.
 */
export function signedInUser(session: Session): CurrentUser | undefined {
  const user = currentUser(session);
  if (user && session.getUser() === undefined) session.setUser(user.id);
  return user;
}

/** The logged-in user of the session, or `undefined`. */
export function currentUser(session: Session): CurrentUser | undefined {
  if (session.get('logged_in') !== true) return undefined;
  const id = session.get('user_id');
  const name = session.get('user_name');
  if (typeof id !== 'number' || typeof name !== 'string') return undefined;
  return {
    id,
    name,
    role: String(session.get('role', 'customer')),
    loginTime: String(session.get('login_time', '')),
    method: session.get('login_method') === 'remember-me' ? 'remember-me' : 'password',
  };
}
