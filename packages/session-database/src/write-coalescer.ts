import type { SessionChangeSet, SessionKey } from '@tina4/session-core';
import { composeChangeSets } from './compose-change-sets.js';

/** Writes one change set of one session (a statement or a transaction). */
export type WriteSession = (key: SessionKey, changes: SessionChangeSet, ttlSeconds: number) => Promise<void>;

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

/** The change sets of one session waiting for the write in flight, merged into one. */
interface QueuedWrite {
  changes: SessionChangeSet;
  ttlSeconds: number;
  readonly waiters: Waiter[];
}

/** A session with a write in flight. */
interface BusySession {
  /** Settles when the write in flight has. */
  current: Promise<void>;
  queued?: QueuedWrite;
}

/**
 * Group commit per session. Writers of one session take turns on its row (its lock is held until
 * the commit, which waits for the log flush), so a busy session's writes are bounded by that
 * turn rather than by the store: on PostgreSQL here about 2 200 a second, however many clients.
 * While a write of a session is in flight, this process's further writes of it wait and are
 * merged (in arrival order) into the next single write, whose outcome they all share. The first
 * write is sent at once: an idle session gains no latency. The result is the same as writing them
 * one after the other; the in-between states are just never stored. Other processes' writes still
 * interleave, each merged atomically by the database.
 */
export class WriteCoalescer {
  readonly #write: WriteSession;
  /** Sessions with a write in flight; absent once a session is idle. */
  readonly #sessions = new Map<SessionKey, BusySession>();

  constructor(write: WriteSession) {
    this.#write = write;
  }

  /** Resolves once `changes` is stored; rejects with the error of the write that carried it. */
  write(key: SessionKey, changes: SessionChangeSet, ttlSeconds: number): Promise<void> {
    const session = this.#sessions.get(key);
    if (!session) {
      const current = this.#write(key, changes, ttlSeconds);
      const busy: BusySession = { current };
      this.#sessions.set(key, busy);
      // Whatever queues meanwhile goes next; the first writer's request need not wait for it.
      void current.then(
        () => this.#drain(key, busy),
        () => this.#drain(key, busy),
      );
      return current;
    }
    return new Promise((resolve, reject) => {
      const queued = session.queued;
      if (!queued) {
        session.queued = { changes, ttlSeconds, waiters: [{ resolve, reject }] };
        return;
      }
      queued.changes = composeChangeSets(queued.changes, changes);
      // Every write sets the expiry anew: the last one's TTL is the one that stands.
      queued.ttlSeconds = ttlSeconds;
      queued.waiters.push({ resolve, reject });
    });
  }

  /**
   * Resolves once every write of `key` submitted so far has settled (stored or failed), so that an
   * operation that must come after them (a destroy) is not overtaken by one of them.
   */
  settled(key: SessionKey): Promise<void> {
    const session = this.#sessions.get(key);
    if (!session) return Promise.resolve();
    const { queued } = session;
    if (!queued) return session.current.catch(() => {});
    return new Promise((resolve) => queued.waiters.push({ resolve, reject: () => resolve() }));
  }

  /** Writes what queued during the last write, one merged write at a time, until nothing has. */
  async #drain(key: SessionKey, session: BusySession): Promise<void> {
    for (let queued = session.queued; queued; queued = session.queued) {
      // Taken off before the write starts: what arrives during it queues for the next one.
      session.queued = undefined;
      session.current = this.#write(key, queued.changes, queued.ttlSeconds);
      try {
        await session.current;
        for (const waiter of queued.waiters) waiter.resolve();
      } catch (error) {
        for (const waiter of queued.waiters) waiter.reject(error);
      }
    }
    this.#sessions.delete(key);
  }
}
