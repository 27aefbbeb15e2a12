import type { SessionChangeSet, SessionKey } from '@tina4/session-core';

/**
 * An update as one atomic statement that merges the change set into the stored JSON in the
 * database itself: `UPDATE ... SET data = <merge>, expires_at = ? WHERE session_key = ? AND
 * expires_at > ?`. One round trip, the row locked only while that statement runs, and no row is
 * ever created: a destroyed, regenerated or expired session stays gone. Engines without a JSON
 * merge use the transactional path (transactional-update.ts).
 */
export interface JsonMergeUpdate {
  /**
   * Whether the engine's merge should take this change set: its JSON functions must hold the field
   * names (PostgreSQL's jsonb refuses `\u0000`, jsonb and MariaDB refuse unpaired UTF-16
   * surrogates), and it must name few enough fields for a merge whose cost grows with the product of
   * the sizes (see merge-size.ts). When not, the update takes the transactional path, which moves
   * the JSON text unparsed and merges in linear time.
   */
  accepts(changes: SessionChangeSet): boolean;
  /**
   * Applies `changes` to the row of `key` if it is live at `now`, setting its expiry to `expiresAt`.
   * Resolves the number of rows the statement reports (see the store for MySQL's found-rows reading).
   */
  apply(key: SessionKey, changes: SessionChangeSet, expiresAt: number, now: number): Promise<number>;
  /**
   * Whether `error` says the stored row cannot be merged by the engine (data that is not JSON, or
   * that holds such field names): the transactional path then handles this one update.
   */
  isUnmergeable(error: unknown): boolean;
  /**
   * Whether `error` says the server lacks the JSON function (an old version): the store then uses
   * the transactional path from now on.
   */
  isUnsupported(error: unknown): boolean;
}
