import { composeChangeSets, type SessionChangeSet, type SessionKey } from '@tina4/session-core';

/** Updates one session with one change set (a statement or a transaction); resolves whether it was live. */
export type UpdateSession = (
  key: SessionKey,
  changes: SessionChangeSet,
  ttlSeconds: number,
) => Promise<boolean>;

interface Waiter {
  resolve(found: boolean): void;
  reject(error: unknown): void;
}

/** The change sets of one session waiting for the update in flight, composed into one. */
interface QueuedUpdate {
  changes: SessionChangeSet;
  ttlSeconds: number;
  readonly waiters: Waiter[];
}

/** A session with an update in flight. */
interface BusySession {
  queued?: QueuedUpdate;
  /** `create()` ran on the key since the update in flight was sent: a "not found" may be stale. */
  created: boolean;
}

/**
 * Group commit per session. Writers of one session take turns on its row (its lock is held until
 * the commit, which waits for the log flush), so a busy session's updates are bounded by that turn
 * rather than by the store. While an update of a session is in flight, this process's further
 * updates of it wait and are composed (in arrival order, with the core's `composeChangeSets`) into
 * the next single update, whose outcome they all share. The first update is sent at once: an idle
 * session gains no latency. The result is the same as updating one after the other; the in-between
 * states are just never stored. Other processes' updates still interleave, each applied atomically
 * by the database.
 *
 * When an update finds no live row, the updates queued behind it resolve false without a round
 * trip: the row is gone (destroyed, regenerated, expired) and only `create()` brings a key back,
 * which the store reports through {@link created}.
 */
export class UpdateCoalescer {
  readonly #update: UpdateSession;
  /** Sessions with an update in flight; absent once a session is idle. */
  readonly #sessions = new Map<SessionKey, BusySession>();

  constructor(update: UpdateSession) {
    this.#update = update;
  }

  /** Resolves once `changes` is stored (true) or found no live row (false); rejects with its update's error. */
  update(key: SessionKey, changes: SessionChangeSet, ttlSeconds: number): Promise<boolean> {
    const session = this.#sessions.get(key);
    if (!session) {
      const busy: BusySession = { created: false };
      this.#sessions.set(key, busy);
      const sent = this.#update(key, changes, ttlSeconds);
      // Whatever queues meanwhile goes next; the first writer's request need not wait for it.
      void sent.then(
        (found) => this.#drain(key, busy, found),
        () => this.#drain(key, busy, true),
      );
      return sent;
    }
    return new Promise((resolve, reject) => {
      const queued = session.queued;
      if (!queued) {
        session.queued = { changes, ttlSeconds, waiters: [{ resolve, reject }] };
        return;
      }
      queued.changes = composeChangeSets(queued.changes, changes);
      // Every update sets the expiry anew: the last one's TTL is the one that stands.
      queued.ttlSeconds = ttlSeconds;
      queued.waiters.push({ resolve, reject });
    });
  }

  /** Says that `key` was (or is being) created, so that queued updates are sent even after a "not found". */
  created(key: SessionKey): void {
    const session = this.#sessions.get(key);
    if (session) session.created = true;
  }

  /** Sends what queued during the last update, one composed update at a time, until nothing has. */
  async #drain(key: SessionKey, session: BusySession, found: boolean): Promise<void> {
    for (let queued = session.queued; queued; queued = session.queued) {
      // Taken off before the update starts: what arrives during it queues for the next one.
      session.queued = undefined;
      if (!found && !session.created) {
        for (const waiter of queued.waiters) waiter.resolve(false);
        continue;
      }
      session.created = false;
      try {
        found = await this.#update(key, queued.changes, queued.ttlSeconds);
        for (const waiter of queued.waiters) waiter.resolve(found);
      } catch (error) {
        // The row's state is unknown: the next batch is sent, not answered from this one.
        found = true;
        for (const waiter of queued.waiters) waiter.reject(error);
      }
    }
    this.#sessions.delete(key);
  }
}
