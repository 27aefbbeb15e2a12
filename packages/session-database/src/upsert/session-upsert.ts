import type { SessionChangeSet, SessionKey } from '@tina4/session-core';

/**
 * A write as one atomic statement (an upsert that merges the change set into the stored JSON in
 * the database itself): one round trip, and the row is locked only while that statement runs.
 * Engines without one use the transactional path (write-transaction.ts).
 */
export interface SessionUpsert {
  /**
   * Whether the engine's JSON functions can hold these field names (PostgreSQL's jsonb refuses
   * `\u0000`, jsonb and MariaDB refuse unpaired UTF-16 surrogates). When not, the write takes the
   * transactional path, which moves the JSON text unparsed.
   */
  accepts(changes: SessionChangeSet): boolean;
  /** Applies `changes` to the row of `key` (created when missing, started afresh when expired at `now`). */
  apply(key: SessionKey, changes: SessionChangeSet, expiresAt: number, now: number): Promise<void>;
  /**
   * Whether `error` says the stored row cannot be merged by the engine (data that is not JSON, or
   * that holds such field names): the transactional path then handles this one write.
   */
  isUnmergeable(error: unknown): boolean;
  /**
   * Whether `error` says the server lacks the statement form (an old version): the store then
   * uses the transactional path from now on.
   */
  isUnsupported(error: unknown): boolean;
}
