import { afterAll, beforeAll, describe } from '@jest/globals';
import type { SessionStore } from '@tina4/session-core';
import { describeChangeSets } from './change-sets.js';
import { describeConcurrency } from './concurrency.js';
import { describeExpiry } from './expiry.js';
import type { SuiteContext } from './fixtures.js';
import { describeLifecycle } from './lifecycle.js';
import { describeLocking } from './locking.js';
import { describePrivacy } from './privacy.js';
import { describeRoundTrip } from './round-trip.js';
import type { StoreSuiteOptions } from './suite-options.js';

/**
 * Defines the tests every session store must pass (with `@jest/globals`), checking what was stored
 * through `options.backdoor` as well as through the store. Each test uses keys of its own, so the
 * suite can run against a server that other tests share. A store test file is then a few lines:
 *
 * ```ts
 * storeComplianceSuite({ name: 'redis', createStore: () => createRedisStore({ client }), backdoor, lock: true });
 * ```
 */
export function storeComplianceSuite(options: StoreSuiteOptions): void {
  describe(`${options.name} store compliance`, () => {
    const opened: SessionStore[] = [];
    let main: SessionStore | undefined;
    const context: SuiteContext = {
      options,
      backdoor: options.backdoor,
      store() {
        if (main) return main;
        throw new Error('The store is opened in beforeAll: use context.store() inside tests and hooks.');
      },
      async openStore() {
        const store = await options.createStore();
        opened.push(store);
        return store;
      },
    };

    beforeAll(async () => {
      main = await context.openStore();
    });
    afterAll(async () => {
      await Promise.all(opened.map((store) => store.close()));
    });

    describeRoundTrip(context);
    describeChangeSets(context);
    describeLifecycle(context);
    describeExpiry(context);
    describeConcurrency(context);
    if (options.lock) describeLocking(context);
    describePrivacy(context);
  });
}
