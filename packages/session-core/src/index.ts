export { readEnvFile } from './config/env-file.js';
export type {
  SameSite,
  SessionBackend,
  SessionConfig,
  SessionLogger,
  SessionOptions,
} from './config/session-config.js';
export { resolveSessionConfig, SAME_SITE_VALUES, SESSION_BACKENDS } from './config/session-config.js';
export { type CookieOptions, parseCookies, serializeCookie } from './cookies/cookie-options.js';
export {
  SessionBackendNotInstalledError,
  SessionConfigError,
  SessionError,
  SessionLockTimeoutError,
  SessionStoreUnavailableError,
  SessionTooLargeError,
} from './errors.js';
export type { JsonValue } from './json-value.js';
export { Session, type SessionData } from './session.js';
export { generateSessionId, isWellFormedSessionId, sessionKeyOf } from './session-id.js';
export { createSessionManager, SessionManager } from './session-manager.js';
export { applyChangeSet } from './store/apply-change-set.js';
export { createStore, type SessionBackendModule } from './store/create-store.js';
export { encryptStore } from './store/encrypted-store.js';
export { KeyedMutex } from './store/keyed-mutex.js';
export { pollForLock } from './store/poll-lock.js';
export type {
  ReadOptions,
  ReleaseSessionLock,
  SessionChangeSet,
  SessionFields,
  SessionKey,
  SessionLockOptions,
  SessionStore,
  StoredSession,
} from './store/session-store.js';
export { type LockBackend, SharedSessionLocks } from './store/shared-session-locks.js';
export { createFileStore, type FileStoreOptions } from './stores/file-store.js';
export { createMemoryStore, type MemoryStoreEntry, type MemoryStoreOptions } from './stores/memory-store.js';
