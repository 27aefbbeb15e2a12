/**
 * The servers the repository's tests run against, and back doors that read what a store really
 * wrote. Private: used by the packages' own tests and the reliability suite, never published.
 */
export { CONTAINER_IMAGES } from './container-images.js';
export * from './freezable-proxy.js';
export * from './mongo-backdoor.js';
export * from './mongo-processes.js';
export * from './private-servers.js';
export * from './redis-backdoor.js';
export * from './redis-processes.js';
export * from './sql-backdoor.js';
export * from './sql-raw-client.js';
export {
  type BackendName,
  isRequired,
  provideTestBackend,
  skipOrFail,
  TEST_BACKEND_URL_VARIABLES,
  type TestBackend,
} from './test-backend.js';
