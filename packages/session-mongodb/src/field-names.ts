import type { SessionFields } from '@tina4/session-core';

/**
 * Characters that cannot appear as they are in a MongoDB update path (`data.<field>`): `.` splits
 * a path, `$` starts an operator, NUL ends a BSON key. `%` is the escape character itself.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is one of the characters MongoDB keys cannot hold.
const UNSAFE_CHARACTERS = /[%.$\u0000]/g;
const ESCAPE = /%([0-9A-F]{2})/g;

/**
 * A session field name as a key of the `data` sub-document: `%`, `.`, `$` and NUL become `%XX`
 * (their code in upper-case hex, as in a URL), everything else stays as it is, so ordinary names
 * read the same in the database. `user.name` is stored as `user%2Ename`, `$set` as `%24set`.
 */
export function encodeFieldName(name: string): string {
  return name.replace(
    UNSAFE_CHARACTERS,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

/** The session field name of a key of the `data` sub-document (the inverse of {@link encodeFieldName}). */
export function decodeFieldName(key: string): string {
  return key.replace(ESCAPE, (_escape, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** Fields with their names encoded. `Object.fromEntries` so that any name stays an own property. */
export function encodeFields(fields: Readonly<SessionFields>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).map(([name, text]) => [encodeFieldName(name), text]));
}

/** A stored `data` sub-document as session fields. */
export function decodeFields(data: Readonly<Record<string, string>> | undefined): SessionFields {
  return Object.fromEntries(Object.entries(data ?? {}).map(([key, text]) => [decodeFieldName(key), text]));
}
