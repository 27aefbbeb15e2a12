import type { SessionManager } from '../manager/session-manager.js';
import { Session, type SessionHost } from '../session/session.js';
import { sessionKeyOf } from '../session/session-id.js';
import { type PendingCommit, SessionState } from '../session/session-state.js';
import type { UserSession } from '../session/user-session.js';
import { applyChangeSet } from '../store-kit/change-set.js';
import type { ReleaseSessionLock, SessionKey, StoredSession } from '../store-kit/session-store.js';

/**
 * One request's session, from the cookie to the lock's release: what every framework adapter
 * shares, so that an adapter only translates its framework's hooks.
 *
 * 1. {@link RequestSession.begin}: a request without a usable session cookie gets an empty session
 *    at once (no store access); one with a well-formed id costs one read (with `TINA4_SESSION_LOCK`,
 *    a live session is then locked and read again, so that the handler sees it as it is now).
 * 2. The handler uses {@link session}.
 * 3. {@link finish}, before the response's headers go out: writes what the handler changed (nothing
 *    when it changed nothing) and returns the `Set-Cookie` value the response owes.
 * 4. {@link release}, once the response is done (or the client went away): lets the next request
 *    of the session in.
 *
 * Failures reject with the library's errors; `sessionErrorResponse` turns them into responses.
 */
export class RequestSession implements SessionHost {
  readonly session: Session;
  readonly #manager: SessionManager;
  readonly #state: SessionState;
  #commitTail: Promise<void> | undefined;
  #releaseLock: ReleaseSessionLock | undefined;
  #leaseTimer: NodeJS.Timeout | undefined;
  #cookieTaken = false;

  private constructor(manager: SessionManager, state: SessionState) {
    this.#manager = manager;
    this.#state = state;
    this.session = new Session(state, this);
  }

  /**
   * The session of a request, from its `Cookie` header (or its cookies, already parsed), and
   * whether the request came over HTTPS (see `isHttpsRequest`). Synchronous for a request without a
   * usable session cookie; otherwise a promise that rejects with a store or lock error. With
   * several session cookies (see `SessionManager.sessionIdsFrom`), the first live one is taken.
   */
  static begin(
    manager: SessionManager,
    cookies: string | Record<string, string> | undefined,
    https: boolean,
  ): RequestSession | Promise<RequestSession> {
    const state = new SessionState();
    state.https = https;
    const request = new RequestSession(manager, state);
    const ids = manager.sessionIdsFrom(cookies);
    if (ids.length === 0) return request;
    return ids.length === 1 && !(manager.config.lock && manager.store.lock)
      ? request.#loadOne(ids[0]!)
      : request.#loadFirst(ids);
  }

  /** Called once, before the session's first change (adapters hook the response only then). */
  set onFirstChange(hook: (() => void) | undefined) {
    this.#state.onFirstChange = hook;
  }

  /**
   * Whether the response must be hooked from the start: the request holds the session's lock, or
   * its session has store work due (a sliding refresh) or a cookie owed already (a store that slid
   * the expiry in its read). Otherwise nothing is owed unless the handler changes the session, and
   * an adapter can wait for {@link onFirstChange}: most requests only read their session, or never
   * touch it, and then cost no hook at all.
   */
  get needsResponseHook(): boolean {
    return (
      this.#releaseLock !== undefined || this.#state.hasPendingWork() || this.#state.owedCookie() !== 'none'
    );
  }

  /** Whether {@link finish} has store work to do (changes, a destroy, a sliding refresh). */
  get hasPendingWork(): boolean {
    return this.#state.hasPendingWork();
  }

  /** Whether the request holds its session's lock (to be given back by {@link release}). */
  get holdsLock(): boolean {
    return this.#releaseLock !== undefined;
  }

  get maxBytes(): number {
    return this.#manager.config.maxBytes;
  }

  get ttlSeconds(): number {
    return this.#manager.config.ttlSeconds;
  }

  /** The session's lifetime: its own (`setTtl()`), else the configured one. */
  #ttl(): number {
    return this.#state.ownTtlSeconds ?? this.#manager.config.ttlSeconds;
  }

  /**
   * Before the headers go out: commits, then gives the `Set-Cookie` value the response owes (or
   * undefined). Synchronous when there is nothing to write.
   */
  finish(): string | undefined | Promise<string | undefined> {
    if (!this.#state.hasPendingWork() && this.#commitTail === undefined)
      return this.#close(this.takeSetCookie());
    return this.save().then(() => this.#close(this.takeSetCookie()));
  }

  /**
   * The response has gone out: from now on a change to the session is not saved by itself, and is
   * logged as such ({@link finish} closes the session; adapters that commit otherwise call this).
   */
  close(): void {
    this.#state.closed = true;
    // Set only now: a request whose response is still to come needs no listener (one closure less).
    this.#state.onLateChange ??= () => this.#warnLateChange();
  }

  /** Writes the changes so far. Concurrent calls of one request run in turn. */
  save(): Promise<void> {
    // The first commit of a request (nearly always the only one) starts at once; later ones queue.
    const tail = this.#commitTail;
    const next = tail
      ? tail.then(
          () => this.#flush(),
          () => this.#flush(),
        )
      : this.#flush();
    this.#commitTail = next;
    return next;
  }

  /**
   * The `Set-Cookie` value the response owes for the session cookie, if any; once per response.
   * Called before the commit (headers sent early), it owes only what cannot wait: a new id, or
   * the expiring cookie of a destroyed session.
   */
  takeSetCookie(): string | undefined {
    if (this.#cookieTaken) return undefined;
    this.#cookieTaken = true;
    const owed = this.#state.owedCookie();
    return owed === 'none' ? undefined : this.cookieHeader();
  }

  /** The session cookie as the session stands (the expiring one when it has no id). */
  cookieHeader(): string {
    const { secure } = this.#manager.config.cookie;
    const secureNow = secure === 'auto' ? this.#state.https : secure;
    const { id } = this.#state;
    return id === undefined
      ? this.#manager.cookies.expired(secureNow)
      : this.#manager.cookies.live(id, secureNow, this.#state.ownTtlSeconds);
  }

  async unlock(): Promise<void> {
    await this.save();
    await this.release();
  }

  async userSessions(userId: string): Promise<UserSession[]> {
    const key = await this.#savedKey();
    return key === undefined ? [] : this.#manager.users.list(userId, key);
  }

  async revokeUserSessions(userId: string, which: (session: UserSession) => boolean): Promise<number> {
    const key = await this.#savedKey();
    // A session that another request ended meanwhile ends nothing more.
    return key === undefined ? 0 : this.#manager.users.revoke(userId, which, key);
  }

  /** Saves the changes so far (a pending regenerate included), then gives the key the session is stored under. */
  async #savedKey(): Promise<string | undefined> {
    await this.save();
    return this.#state.stored ? this.#state.key : undefined;
  }

  /** Lets the next request of the session in (with `TINA4_SESSION_LOCK`). Safe to call twice. */
  async release(): Promise<void> {
    const release = this.#releaseLock;
    this.#releaseLock = undefined;
    clearTimeout(this.#leaseTimer);
    if (!release) return;
    try {
      await release();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.#manager.config.logger.warn(
        `[tina4-session] could not release a session lock (it expires by itself): ${reason}`,
      );
    }
  }

  async #loadFirst(ids: readonly string[]): Promise<this> {
    for (const id of ids) {
      await this.#load(id);
      if (this.#state.id !== undefined) break;
    }
    return this;
  }

  /**
   * {@link #load} of one id without `TINA4_SESSION_LOCK` (nearly every request that has a session):
   * the read and one `then`, without the async functions of the general path, whose awaits cost
   * each request a few microtasks.
   */
  #loadOne(id: string): Promise<this> {
    const key = sessionKeyOf(id);
    return this.#read(key).then((record) => {
      if (this.#isLive(key, record)) this.#adopt(id, key, record);
      return this;
    });
  }

  async #load(id: string): Promise<void> {
    const key = sessionKeyOf(id);
    const { config, store, health } = this.#manager;
    let record = await this.#read(key);
    if (!this.#isLive(key, record)) return;
    // An unknown or forged id costs that one read: nothing is locked or written for it.
    if (config.lock && store.lock) {
      const lock = store.lock.bind(store);
      const leaseMs = this.#manager.lockLeaseMs;
      this.#releaseLock = await health.run(
        'lock a session',
        () => lock(key, { waitMs: config.lockWaitMs, leaseMs }),
        config.lockWaitMs,
      );
      this.#warnAtLeaseEnd(leaseMs);
      try {
        // As it is now, after whatever the requests before this one wrote.
        record = await this.#read(key);
      } catch (error) {
        await this.release();
        throw error;
      }
      if (!this.#isLive(key, record)) {
        await this.release();
        return;
      }
    }
    this.#adopt(id, key, record);
  }

  /** Takes the stored record as the request's session, and works out whether its expiry is due a refresh. */
  #adopt(id: string, key: SessionKey, record: StoredSession): void {
    const { config } = this.#manager;
    this.#state.adopt(id, key, record.fields, record.slid === true);
    const ownTtl = this.#state.ownTtlSeconds;
    const refreshedAt = record.expiresAt - (ownTtl ?? config.ttlSeconds) * 1000;
    // A store that slides in its read slides to the configured lifetime: a session with its own
    // lifetime is then refreshed to that one by a touch.
    const slidToTheWrongTtl = record.slid === true && ownTtl !== undefined && ownTtl !== config.ttlSeconds;
    this.#state.touchDue =
      slidToTheWrongTtl || (!record.slid && Date.now() - refreshedAt >= this.#manager.touchIntervalMs);
  }

  /** The record of `key`, sliding its expiry where the store can. */
  #read(key: SessionKey): Promise<StoredSession | undefined> {
    const { store, health } = this.#manager;
    return health.run('read a session', () => store.read(key, this.#manager.readOptions));
  }

  /** Whether `record` is live and readable (an expired or unreadable one counts as missing). */
  #isLive(key: SessionKey, record: StoredSession | undefined): record is StoredSession {
    return (
      record !== undefined && record.expiresAt > Date.now() && this.#manager.isReadable(key, record.fields)
    );
  }

  async #flush(): Promise<void> {
    if (!this.#state.hasPendingWork()) return;
    const pending = this.#state.takePending();
    try {
      await this.#apply(pending);
    } catch (error) {
      this.#state.putBack(pending);
      throw error;
    }
  }

  /** Carries out `pending`, taking each step off it once done (what is left goes back on failure). */
  async #apply(pending: PendingCommit): Promise<void> {
    const { store, health } = this.#manager;
    const options = { ttlSeconds: this.#ttl() };
    // Every step is a "write" to the outage report: a store that cannot write is one outage, over
    // when any write works again.
    // A logout first: if what follows fails, the old session is gone all the same.
    while (pending.destroy.length > 0) {
      const key = pending.destroy[0]!;
      await health.run('write a session', () => store.destroy(key));
      pending.destroy.shift();
    }
    const { move, create, update, touch } = pending;
    let kept = true;
    if (move) {
      kept = await health.run('write a session', () =>
        store.move(move.from, move.to, (stored) => applyChangeSet(stored, move.changes), options),
      );
      pending.move = undefined;
    } else if (create) {
      const created = await health.run('write a session', async () => {
        if (await store.create(create.key, create.fields, options)) return true;
        throw new Error('a record already exists under a newly generated session id');
      });
      kept = created;
      pending.create = undefined;
    } else if (update) {
      kept = await health.run('write a session', () => store.update(update.key, update.changes, options));
      pending.update = undefined;
    } else if (touch) {
      kept = await health.run('write a session', () => store.touch(touch.key, options));
      pending.touch = undefined;
    } else {
      return;
    }
    // Gone: another request destroyed or regenerated the session meanwhile, and that stands.
    if (kept) this.#state.markStored();
    else this.#state.lose();
  }

  #close<T>(value: T): T {
    this.close();
    return value;
  }

  #lateChangeReported = false;

  #warnLateChange(): void {
    if (this.#lateChangeReported) return;
    this.#lateChangeReported = true;
    this.#manager.config.logger.warn(
      '[tina4-session] the session was changed after its response was sent: the change is not saved by itself ' +
        "(sessions are saved before the response's headers go out). Change the session before responding, or " +
        '`await req.session.save()` after the late change.',
    );
  }

  #warnAtLeaseEnd(leaseMs: number): void {
    this.#leaseTimer = setTimeout(() => {
      this.#manager.config.logger.warn(
        `[tina4-session] a request held its session's lock for more than ${leaseMs} ms (the lease); the next ` +
          'request of that session went in. Call `await req.session.unlock()` before long responses (streams, ' +
          'server-sent events).',
      );
    }, leaseMs);
    this.#leaseTimer.unref();
  }
}
