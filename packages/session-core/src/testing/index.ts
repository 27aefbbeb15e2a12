/**
 * The compliance suite every session store must pass, for stores written outside this repository
 * as much as for its own: see {@link storeComplianceSuite} and the README's "Write your own store".
 */
export { createRecord, LONG_TTL_SECONDS, newKey } from './fixtures.js';
export { type InstrumentedStore, instrument, RequestHarness, type SentCookie } from './request-harness.js';
export { storeComplianceSuite } from './suite.js';
export type { StoreBackdoor, StoreSuiteOptions, TestRunner } from './suite-options.js';
