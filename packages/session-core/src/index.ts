export { readEnvFile } from './config/env-file.js';
export {
  checkInteger,
  parseBoolean,
  parseChoice,
  parseInteger,
  parseNonEmpty,
  parsePositiveInteger,
} from './config/parse-setting.js';
export { type ParseSetting, readSetting, type SettingsEnv } from './config/read-setting.js';
export type {
  BackendOptions,
  SameSite,
  SessionBackend,
  SessionConfig,
  SessionOptions,
} from './config/session-config.js';
export { resolveSessionConfig, SAME_SITE_VALUES, SESSION_BACKENDS } from './config/session-config.js';
export {
  type CookieOptions,
  parseCookies,
  serializeClearedCookie,
  serializeCookie,
} from './cookies/cookie-options.js';
export { encryptStore } from './encryption/encrypted-store.js';
export {
  isSessionError,
  SessionBackendNotInstalledError,
  SessionConfigError,
  SessionError,
  type SessionErrorCode,
  SessionLockTimeoutError,
  SessionStoreUnavailableError,
  SessionTooLargeError,
  sessionErrorCode,
} from './errors.js';
export { createFileStore, type FileStoreOptions } from './file-store/file-store.js';
export { type SessionErrorResponse, sessionErrorResponse } from './http/error-response.js';
export { isHttpsRequest } from './http/is-https-request.js';
export { RequestSession } from './http/request-session.js';
export type { SessionLogger } from './logger.js';
export type { PackagedBackend, SessionBackendModule } from './manager/backend-packages.js';
export type { SessionSchema, SessionSchemaModule } from './manager/backend-schema.js';
export { createStore } from './manager/create-store.js';
export { createSessionManager, SessionManager } from './manager/session-manager.js';
export {
  createMemoryStore,
  type MemoryStoreEntry,
  type MemoryStoreOptions,
} from './memory-store/memory-store.js';
export { describeUserAgent } from './session/describe-user-agent.js';
export type { JsonValue } from './session/json-value.js';
export { type DeclaredSessionData, Session, type SessionData } from './session/session.js';
export { generateSessionId, isWellFormedSessionId, sessionKeyOf } from './session/session-id.js';
export type { UserSession } from './session/user-session.js';
export { applyChangeSet, composeChangeSets, isEmptyChangeSet, NO_CHANGES } from './store-kit/change-set.js';
export { withDeadline } from './store-kit/deadline.js';
export { KeyedMutex } from './store-kit/keyed-mutex.js';
export {
  type ImportModule,
  importOptional,
  isMissingModule,
  type OptionalModule,
} from './store-kit/optional-import.js';
export { pollForLock } from './store-kit/poll-lock.js';
export type {
  MoveSession,
  ReadOptions,
  ReleaseSessionLock,
  SessionChangeSet,
  SessionFields,
  SessionKey,
  SessionLockOptions,
  SessionStore,
  StoredSession,
  WriteOptions,
} from './store-kit/session-store.js';
export { type LockBackend, SharedSessionLocks } from './store-kit/shared-session-locks.js';
export type {
  PurgeProgress,
  PurgeProgressListener,
  PurgeResult,
  SessionCounts,
} from './store-kit/store-maintenance.js';
export {
  touchesUserBinding,
  USER_FIELD,
  type UserKey,
  userIdOfField,
  userKeyChange,
  userKeyOf,
  userKeyOfFields,
} from './store-kit/user-binding.js';
export {
  type SessionStoreWithUserSessions,
  supportsUserSessions,
  type UserSessionIndex,
  type UserSessionRecord,
} from './store-kit/user-sessions.js';
