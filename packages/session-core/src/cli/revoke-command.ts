import { type CliCommand, stringOption } from './cli-command.js';
import { CliUsageError } from './cli-errors.js';
import { inStore, loadConfig, withSessionManager } from './open-sessions.js';
import { type RevokeUserSessions, revokeThroughManager } from './user-revocation.js';

/**
 * `tina4-session revoke --user ID`: ends every session of one user (a stolen laptop, a changed
 * password, a banned account) through `revoke`, by default the manager's own capability.
 */
export function createRevokeCommand(revoke: RevokeUserSessions = revokeThroughManager): CliCommand {
  return {
    name: 'revoke',
    summary: 'end every session of one user',
    usage: 'tina4-session revoke --user ID [--json] [options]',
    description: [
      'Ends every session of the user ID: the id the app gave req.session.setUser(...) when the user logged',
      'in. Their next request gets a new, empty session. Needs a store and version with per-user sessions.',
    ].join('\n'),
    options: { user: { type: 'string' }, json: { type: 'boolean' } },
    optionHelp: [
      '  --user ID        the user whose sessions end (required)',
      '  --json           print {"store", "user", "ended"} as JSON (ended: null when the store cannot tell)',
    ],

    async run(values, io) {
      const userId = stringOption(values, 'user');
      if (userId === undefined || userId.trim() === '') {
        throw new CliUsageError('revoke needs --user ID (the id the app gave req.session.setUser).');
      }
      const config = loadConfig(stringOption(values, 'dotenv'), io);
      await withSessionManager(config, async (manager) => {
        const ended = await inStore(manager.store, "end the user's sessions", () => revoke(manager, userId));
        if (values.json) {
          const report = { store: manager.store.name, user: userId, ended: ended ?? null };
          io.stdout.write(`${JSON.stringify(report)}\n`);
          return;
        }
        io.stdout.write(
          ended === undefined
            ? `Ended the sessions of user ${userId}.\n`
            : `Ended ${ended} session${ended === 1 ? '' : 's'} of user ${userId}.\n`,
        );
      });
    },
  };
}
