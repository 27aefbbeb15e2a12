import type { LockBackend, SessionKey } from '@tina4/session-core';
import { withDeadline } from '@tina4/session-core';
import type { RedisLikeClient } from './redis-like-client.js';
import { RELEASE_LOCK, runScript, TAKE_LOCK } from './redis-scripts.js';

/**
 * The session lock on Redis (used through the core's SharedSessionLocks): a string key beside the
 * session's hash, in the same Cluster slot, set with `NX PX <lease>` to a random token, and deleted
 * only by the holder of that token.
 *
 * Each attempt carries a deadline that Redis checks against its own clock, so an attempt that
 * reaches a stalled server after the caller gave up takes nothing. An attempt whose answer is lost
 * (it may have taken the lock just before the stall) is followed by a release of its token, sent
 * at once: Redis runs it after the attempt, so an outage of a few seconds costs a few seconds, not
 * the lock's whole lease.
 */
export class RedisLockBackend implements LockBackend {
  constructor(
    readonly client: RedisLikeClient,
    readonly lockKey: (key: SessionKey) => string,
    readonly timeoutMs: number,
    readonly name: string,
  ) {}

  async tryTake(key: SessionKey, token: string, leaseMs: number): Promise<boolean> {
    const deadline = Date.now() + this.timeoutMs;
    try {
      const taken = await withDeadline(
        runScript(this.client, TAKE_LOCK, [this.lockKey(key)], [deadline, token, leaseMs]),
        this.timeoutMs,
        `${this.name} did not answer`,
      );
      return taken === 1;
    } catch (error) {
      void runScript(this.client, RELEASE_LOCK, [this.lockKey(key)], [token]).catch(() => {});
      throw error;
    }
  }

  async release(key: SessionKey, token: string): Promise<void> {
    await withDeadline(
      runScript(this.client, RELEASE_LOCK, [this.lockKey(key)], [token]),
      this.timeoutMs,
      `${this.name} did not answer`,
    );
  }
}
