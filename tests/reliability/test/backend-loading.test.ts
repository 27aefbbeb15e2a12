import { afterAll, describe, expect, it } from '@jest/globals';
import { createSessionManager, RequestSession } from '@tina4/session-core';
import { printFigures } from './support/figures.js';
import { availableStores, disposeAll } from './support/stores.js';

/**
 * The other tests hand the session core a store that the backend package built. Here the core
 * loads each backend package itself, by name, from `TINA4_SESSION_BACKEND` alone, the way the cart
 * example and any app configured by environment does: in a pnpm workspace or a pnpm-installed app,
 * the backend package must be resolvable from where the core is.
 */

const { targets } = await availableStores();
const packaged = targets.filter((target) => !['memory', 'file'].includes(target.name));
afterAll(() => disposeAll(targets));

describe.each(packaged.map((target) => [target.name, target] as const))(
  'the %s backend, chosen by configuration',
  (name, target) => {
    it('is loaded by the core and answers', async () => {
      let outcome = 'loaded';
      try {
        const manager = await createSessionManager(target.settings());
        const request = await RequestSession.begin(manager, undefined, false);
        request.session.set('loaded', true);
        await request.finish();
        await manager.close();
      } catch (error) {
        outcome = (error as Error).message;
      }
      printFigures('backend loaded by name', name, { outcome });
      expect(outcome).toBe('loaded');
    });
  },
);
