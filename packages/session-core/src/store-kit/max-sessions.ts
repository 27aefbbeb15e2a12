import { SessionConfigError } from '../errors.js';

/**
 * Checks a built-in store's `maxSessions` option (`TINA4_SESSION_MAX_SESSIONS`), given in code to
 * `createFileStore` or `createMemoryStore`: undefined (the store's default) or a whole number from 1.
 */
export function checkMaxSessions(factory: string, maxSessions: number | undefined): void {
  if (maxSessions === undefined || (Number.isSafeInteger(maxSessions) && maxSessions > 0)) return;
  throw new SessionConfigError(
    `${factory}'s maxSessions ${maxSessions} is not valid: use a whole number of sessions from 1 (TINA4_SESSION_MAX_SESSIONS).`,
  );
}
