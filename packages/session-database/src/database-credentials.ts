import { SessionConfigError } from '@tina4/session-core';
import type { DatabaseUrl } from './database-url.js';

/** A user name and password given apart from the URL (Tina4's `TINA4_DATABASE_USERNAME` / `_PASSWORD`). */
export interface DatabaseCredentials {
  readonly username?: string | undefined;
  readonly password?: string | undefined;
}

/** Where the URL and the credentials came from, named in errors: variables, or options in code. */
export interface CredentialSources {
  readonly url: string;
  readonly username: string;
  readonly password: string;
}

/** The names of {@link createDatabaseStore}'s own options. */
export const STORE_OPTION_SOURCES: CredentialSources = {
  url: 'url',
  username: 'username',
  password: 'password',
};

/**
 * The URL with the credentials given apart from it filled in where it has none. Credentials both in
 * the URL and apart from it must agree: two different passwords would leave it to chance which one
 * the operator meant. A SQLite URL has none and ignores them (a Tina4 project may set them for
 * another database).
 *
 * @throws {@link SessionConfigError} naming both sources when they disagree; it never shows a password.
 */
export function withCredentials(
  url: DatabaseUrl,
  { username, password }: DatabaseCredentials,
  sources: CredentialSources,
): DatabaseUrl {
  if (url.engine === 'sqlite') return url;
  if (username !== undefined && url.user !== undefined && username !== url.user) {
    throw new SessionConfigError(
      `${sources.username} ("${username}") and the user name in ${sources.url} ("${url.user}") differ. ` +
        `Give the user once: remove it from ${sources.url}, or unset ${sources.username}.`,
    );
  }
  if (password !== undefined && url.password !== undefined && password !== url.password) {
    throw new SessionConfigError(
      `${sources.password} and the password in ${sources.url} differ. ` +
        `Give the password once: remove it from ${sources.url}, or unset ${sources.password}.`,
    );
  }
  return { ...url, user: url.user ?? username, password: url.password ?? password };
}
