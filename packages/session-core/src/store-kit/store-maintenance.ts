/**
 * What operators ask of a store outside requests (the `tina4-session` command): how many sessions
 * it holds, and removing the expired ones now rather than when the store's own cleanup gets to
 * them. Both are optional `SessionStore` methods (`count`, `purgeExpired`): a store without them still serves requests.
 */

/** What `SessionStore.count` reports. */
export interface SessionCounts {
  /** Sessions that have not expired. */
  readonly live: number;
  /**
   * Expired sessions still stored (their cleanup has not run yet), counted where the store can
   * see them; `undefined` where it cannot (Redis and Valkey drop an expired key themselves).
   */
  readonly expired?: number;
}

/** How far `SessionStore.purgeExpired` has got, reported as it goes. */
export interface PurgeProgress {
  /** Records examined (or, for stores that delete in batches, removed) so far. */
  readonly done: number;
  /** What `done` will reach when the purge ends, when the store knows it in advance. */
  readonly total?: number;
}

/** What `SessionStore.purgeExpired` did. */
export interface PurgeResult {
  /** Expired sessions removed. */
  readonly removed: number;
  /**
   * Why there was nothing for the store to do, when that is its nature rather than this run's
   * luck (Redis expires keys itself): for the operator, in one sentence.
   */
  readonly note?: string;
}

/** Called by `SessionStore.purgeExpired` as it progresses; must not throw. */
export type PurgeProgressListener = (progress: PurgeProgress) => void;
