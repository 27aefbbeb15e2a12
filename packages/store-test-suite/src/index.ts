/**
 * The compliance suite every `@tina4` session store must pass, and the servers to run it against.
 * See {@link storeComplianceSuite}.
 */
export { CONTAINER_IMAGES } from './container-images.js';
export { storeComplianceSuite } from './suite.js';
export type { StoreBackdoor, StoreSuiteOptions } from './suite-options.js';
export {
  type BackendName,
  isRequired,
  provideTestBackend,
  TEST_BACKEND_URL_VARIABLES,
  type TestBackend,
} from './test-backend.js';
