import type { SessionStore } from '../store-kit/session-store.js';
import { type CliCommand, stringOption } from './cli-command.js';
import { CliFailure } from './cli-errors.js';
import { inStore, loadConfig, withSessionManager } from './open-sessions.js';
import { progressBar } from './progress-bar.js';

/** `tina4-session purge`: removes expired sessions now, with a progress bar on a terminal. */
export const purgeCommand: CliCommand = {
  name: 'purge',
  summary: 'remove expired sessions now',
  usage: 'tina4-session purge [--json] [options]',
  description: [
    'Removes the expired sessions of the configured store now, rather than when its own cleanup gets to',
    'them; live sessions, and sessions written while it runs, stay. Safe while the app runs. On a terminal',
    'a progress bar shows how far it has got; otherwise one summary line is printed. Redis and Valkey',
    'delete sessions themselves when they expire: for them there is nothing to purge, and it says so.',
  ].join('\n'),
  options: { json: { type: 'boolean' } },
  optionHelp: [
    '  --json           print {"store", "location", "removed", "note"} as JSON, without a progress bar',
  ],

  async run(values, io) {
    const config = loadConfig(stringOption(values, 'dotenv'), io);
    await withSessionManager(config, async ({ store }) => {
      const purge = purgeOf(store);
      const bar = values.json ? undefined : progressBar(io.stdout, 'Purging expired sessions');
      let result: Awaited<ReturnType<typeof purge>>;
      try {
        result = await inStore(store, 'remove its expired sessions', () =>
          purge((progress) => bar?.update(progress)),
        );
      } finally {
        bar?.finish();
      }
      const { removed, note } = result;
      if (values.json) {
        const report = { store: store.name, location: store.location ?? null, removed, note: note ?? null };
        io.stdout.write(`${JSON.stringify(report)}\n`);
        return;
      }
      const where = `${store.name}${store.location ? ` (${store.location})` : ''}`;
      io.stdout.write(
        note ? `${note}\n` : `Removed ${removed} expired session${removed === 1 ? '' : 's'} from ${where}.\n`,
      );
    });
  },
};

function purgeOf(store: SessionStore): NonNullable<SessionStore['purgeExpired']> {
  if (!store.purgeExpired) {
    throw new CliFailure(
      `the ${store.name} store cannot purge expired sessions on demand (it has no purgeExpired()); its own ` +
        'cleanup still removes them. Install the same version of the store package as of @tina4/session-core.',
    );
  }
  return store.purgeExpired.bind(store);
}
