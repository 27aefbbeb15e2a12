import type { SessionManager } from '../manager/session-manager.js';
import { CliFailure } from './cli-errors.js';

/**
 * What `tina4-session revoke` needs: end every session of one user (the id the app gave
 * `req.session.setUser`), resolving how many ended when the store can tell. Passed to
 * `createRevokeCommand`, so that the command does not depend on how the capability is built.
 */
export type RevokeUserSessions = (manager: SessionManager, userId: string) => Promise<number | undefined>;

/** The manager-level capability of per-user sessions, described structurally (see {@link revokeThroughManager}). */
interface ManagerWithUserRevocation {
  revokeUser(userId: string): Promise<unknown>;
}

/**
 * Ends a user's sessions through the manager's `revokeUser(userId)`, on versions and stores that
 * have it. The method is looked up when the command runs, so a core whose manager gains it needs
 * no change here; its result counts the ended sessions when it is a number.
 *
 * @throws {@link CliFailure} when the manager has no `revokeUser`.
 */
export const revokeThroughManager: RevokeUserSessions = async (manager, userId) => {
  const { revokeUser } = manager as SessionManager & Partial<ManagerWithUserRevocation>;
  if (typeof revokeUser !== 'function') {
    throw new CliFailure(
      `this store/version does not support revoking a user's sessions (the ${manager.store.name} store, with ` +
        'this @tina4/session-core). Install versions of @tina4/session-core and the store package that ' +
        "have per-user sessions (req.session.setUser), or end the user's sessions from the app.",
    );
  }
  const ended = await revokeUser.call(manager, userId);
  return typeof ended === 'number' ? ended : undefined;
};
