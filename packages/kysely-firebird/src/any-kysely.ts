import type { Kysely } from 'kysely';

/** A Kysely instance whatever its database type, as Kysely's own dialect interfaces take it. */
// biome-ignore lint/suspicious/noExplicitAny: Kysely's own idiom for "any database"; Kysely<App> is assignable to it.
export type AnyKysely = Kysely<any>;
