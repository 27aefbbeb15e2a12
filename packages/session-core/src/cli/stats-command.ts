import type { SessionStore } from '../store-kit/session-store.js';
import { type CliCommand, stringOption } from './cli-command.js';
import { CliFailure } from './cli-errors.js';
import { inStore, loadConfig, withSessionManager } from './open-sessions.js';

/** `tina4-session stats`: the store's live sessions, and expired ones not yet removed where it can tell. */
export const statsCommand: CliCommand = {
  name: 'stats',
  summary: 'count live sessions (and expired ones not yet removed)',
  usage: 'tina4-session stats [--json] [options]',
  description: [
    'Counts the sessions in the configured store: live ones, and expired ones that are still stored because',
    "the store's cleanup has not reached them yet (file, database, MongoDB; Redis and Valkey delete a",
    'session themselves the moment it expires, so they have none).',
  ].join('\n'),
  options: { json: { type: 'boolean' } },
  optionHelp: [
    '  --json           print {"store", "location", "live", "expired"} as JSON (expired: null when unknown)',
  ],

  async run(values, io) {
    const config = loadConfig(stringOption(values, 'dotenv'), io);
    await withSessionManager(config, async ({ store }) => {
      const count = countOf(store);
      const { live, expired } = await inStore(store, 'count its sessions', count);
      if (values.json) {
        const report = {
          store: store.name,
          location: store.location ?? null,
          live,
          expired: expired ?? null,
        };
        io.stdout.write(`${JSON.stringify(report)}\n`);
        return;
      }
      const lines = [
        `Store:    ${store.name}${store.location ? ` (${store.location})` : ''}`,
        `Live:     ${live}`,
        expired === undefined
          ? `Expired:  none kept (the ${store.name} store deletes sessions itself when they expire)`
          : `Expired:  ${expired}${expired > 0 ? ' (not yet removed: `tina4-session purge` removes them now)' : ''}`,
      ];
      io.stdout.write(`${lines.join('\n')}\n`);
    });
  },
};

function countOf(store: SessionStore): NonNullable<SessionStore['count']> {
  if (!store.count) {
    throw new CliFailure(
      `the ${store.name} store cannot count its sessions (it has no count()). Install the same version of ` +
        'the store package as of @tina4/session-core; a store of your own can add count() (see "The store contract").',
    );
  }
  return store.count.bind(store);
}
