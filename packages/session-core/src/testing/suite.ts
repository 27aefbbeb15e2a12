import type { SessionStore } from '../store-kit/session-store.js';
import { describeConcurrency } from './concurrency.js';
import { describeExpiry } from './expiry.js';
import type { SuiteContext } from './fixtures.js';
import { describeLargeSessions } from './large-sessions.js';
import { describeLifecycle } from './lifecycle.js';
import { describeLocking } from './locking.js';
import { describeOverlappingRequests } from './overlap.js';
import { describePrivacy } from './privacy.js';
import { describeRoundTrip } from './round-trip.js';
import type { StoreSuiteOptions, TestRunner } from './suite-options.js';
import { describeUserSessions } from './user-sessions.js';
import { describeWrites } from './writes.js';

/**
 * Defines the tests every session store must pass, under the test runner given, checking what was
 * stored through `options.backdoor` as well as through the store. Each test uses keys of its own,
 * so the suite can run against a server that other tests share. A store's test file is a few lines:
 *
 * ```ts
 * import { afterAll, beforeAll, describe, it } from '@jest/globals';
 * import { storeComplianceSuite } from '@tina4/session-core/testing';
 *
 * storeComplianceSuite({ describe, it, beforeAll, afterAll }, {
 *   name: 'my-store',
 *   createStore: () => createMyStore({ client }),
 *   backdoor: { fields, ttlMs, dump },
 *   lock: true,
 *   userSessions: true,
 * });
 * ```
 */
export function storeComplianceSuite(runner: TestRunner, options: StoreSuiteOptions): void {
  runner.describe(`${options.name} store compliance`, () => {
    const opened: SessionStore[] = [];
    let main: SessionStore | undefined;
    const skips = Object.entries(options.skip ?? {});
    const context: SuiteContext = {
      runner,
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
      it(name, body) {
        const skip = skips.find(([word]) => name.includes(word));
        if (!skip) {
          runner.it(name, body);
          return;
        }
        // Said where it shows: the runner lists it as skipped, and the reason is printed.
        console.warn(`[store compliance] ${options.name}: skipping "${name}": ${skip[1]}`);
        runner.it.skip?.(`${name} (skipped on ${options.name}: ${skip[1]})`, body);
      },
    };

    runner.beforeAll(async () => {
      main = await context.openStore();
    });
    runner.afterAll(async () => {
      await Promise.all(opened.map((store) => store.close()));
    });

    describeRoundTrip(context);
    describeWrites(context);
    describeLifecycle(context);
    describeExpiry(context);
    describeConcurrency(context);
    describeLargeSessions(context);
    describeOverlappingRequests(context);
    if (options.lock) describeLocking(context);
    describePrivacy(context);
    describeUserSessions(context);
  });
}
