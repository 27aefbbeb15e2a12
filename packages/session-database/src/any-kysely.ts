import type { Kysely } from 'kysely';

/**
 * A Kysely instance whatever its database type: the store only touches its own tables, which are
 * not part of the app's type, so it names them as plain strings.
 */
// biome-ignore lint/suspicious/noExplicitAny: Kysely's own idiom for "any database"; Kysely<App> is assignable to it.
export type AnyKysely = Kysely<any>;
