import { composeChangeSets } from '../store-kit/change-set.js';
import type { SessionChangeSet, SessionFields, SessionKey } from '../store-kit/session-store.js';

/** The field that keeps a session's own lifetime (`session.setTtl()`), beside its data. */
export const TTL_FIELD = '__tina4:ttl';

/** The `Set-Cookie` a response owes the browser for the session cookie. */
export type OwedCookie = 'none' | 'live' | 'expire';

/**
 * The store work of one commit, taken from the state in one step. Exactly one of `move`, `create`,
 * `update` and `touch` is set, or none; `destroy` comes first in any case.
 */
export interface PendingCommit {
  /** Stored records this request ended (`destroy()`), to delete. */
  destroy: SessionKey[];
  /** `regenerate()` of a stored session: move the record of `from` to the current key, with `changes`. */
  move?: { readonly from: SessionKey; readonly to: SessionKey; readonly changes: SessionChangeSet };
  /** The first record of a new session. */
  create?: { readonly key: SessionKey; readonly fields: SessionFields };
  /** Changes of a stored session. */
  update?: { readonly key: SessionKey; readonly changes: SessionChangeSet };
  /** Only the expiry of a stored session needs renewing. */
  touch?: { readonly key: SessionKey };
}

/**
 * The mutable record behind one request's `Session`: the current fields, what changed since the
 * last commit (as a change set relative to the stored record, so that overlapping requests that
 * change different keys both keep their changes), and what the store must do about the session's
 * identity (create it, move it on regenerate, delete it on destroy). Private to the core.
 */
export class SessionState {
  /** The session's id, or undefined for a visitor without one yet (and after `destroy()`). */
  id: string | undefined;
  /** SHA-256 of {@link id}: the store's key. */
  key: SessionKey | undefined;
  /** Whether the store holds a record under {@link key} (loaded, or written by this request). */
  stored = false;
  /** `destroy()` was called and no new session started since: `getSessionId()` answers null. */
  destroyed = false;
  readonly fields = new Map<string, string>();
  /** Bytes of all field names and JSON texts, for `TINA4_SESSION_MAX_BYTES`. */
  bytes = 0;
  /** The record's expiry should be renewed at the next commit even without changes (sliding expiry). */
  touchDue = false;
  /** Whether the request arrived over HTTPS (for `TINA4_SESSION_SECURE=auto`). */
  https = false;

  /** The session's own lifetime in seconds (`session.setTtl()`), kept in {@link TTL_FIELD}; undefined: the configured one. */
  get ownTtlSeconds(): number | undefined {
    const text = this.fields.get(TTL_FIELD);
    const seconds = text === undefined ? Number.NaN : Number(text);
    return Number.isSafeInteger(seconds) && seconds > 0 ? seconds : undefined;
  }
  /**
   * Called once, before the first change: adapters use it to hook the response only for sessions
   * that will need a commit or a cookie, and leave untouched requests alone.
   */
  onFirstChange: (() => void) | undefined;
  /** The response has gone out: a change now is not saved by itself (see {@link onLateChange}). */
  closed = false;
  /** Called on each change made after {@link closed}, with the method's name. */
  onLateChange: ((method: string) => void) | undefined;

  // The changes since the last commit, relative to the stored record (kept mutable: a request
  // may set tens of thousands of keys).
  #replace = false;
  readonly #set = new Map<string, string>();
  readonly #deleted = new Set<string>();
  /** The stored key a pending `regenerate()` moves the record away from. */
  #movingFrom: SessionKey | undefined;
  readonly #toDestroy: SessionKey[] = [];
  /** Store the session even with no data (its id was handed out by `getSessionId()`). */
  #materialize = false;
  /** The record's expiry was renewed during this request: the cookie's must follow. */
  #renewed = false;
  /** The request ended a session the browser may hold: it owes an expiring cookie. */
  #expireCookie = false;

  /** Takes the record the request's cookie pointed at. */
  adopt(id: string, key: SessionKey, fields: Readonly<SessionFields>, renewed: boolean): void {
    this.id = id;
    this.key = key;
    this.stored = true;
    this.#renewed = renewed;
    for (const name of Object.keys(fields)) this.#put(name, fields[name]!);
  }

  setField(name: string, text: string): void {
    this.#changing();
    this.#put(name, text);
    this.#set.set(name, text);
    this.#deleted.delete(name);
  }

  deleteField(name: string): boolean {
    const text = this.fields.get(name);
    if (text === undefined) return false;
    this.#changing();
    this.fields.delete(name);
    this.bytes -= fieldBytes(name, text);
    this.#set.delete(name);
    if (!this.#replace) this.#deleted.add(name);
    return true;
  }

  /** Empties the fields; the next commit replaces whatever the store holds. */
  clearFields(): void {
    this.#changing();
    this.fields.clear();
    this.bytes = 0;
    this.#resetChanges(true);
  }

  /** Gives a session that has no id (a new visitor, or after `destroy()`) a fresh one. */
  assignId(id: string, key: SessionKey): void {
    this.#changing();
    this.id = id;
    this.key = key;
    this.stored = false;
    this.destroyed = false;
    this.#resetChanges(false);
  }

  /** Stores the session at the next commit even if it holds no data. */
  materialize(): void {
    this.#changing();
    this.#materialize = true;
  }

  /**
   * Gives the session a new id: a stored record moves to it at the next commit (with this
   * request's changes applied to the record as it is stored then), the old key stops resolving.
   */
  moveTo(id: string, key: SessionKey): void {
    this.#changing();
    if (this.stored) {
      // A second regenerate() before the commit moves from the same stored key.
      this.#movingFrom ??= this.key;
      this.stored = false;
    }
    this.id = id;
    this.key = key;
  }

  /** Ends the session: the stored record is deleted at the next commit, the data and id are gone. */
  forget(): void {
    this.#changing();
    const stored = this.#movingFrom ?? (this.stored ? this.key : undefined);
    if (stored !== undefined) this.#toDestroy.push(stored);
    this.#clearIdentity();
    this.destroyed = true;
    this.#expireCookie = true;
  }

  /**
   * The commit found the record gone: another request destroyed or regenerated it meanwhile. The
   * session ends here; the response sends no cookie, so that it does not undo the other one's.
   */
  lose(): void {
    this.#clearIdentity();
    this.destroyed = true;
  }

  /** Bytes the session would have if `name` held `text`. */
  bytesWith(name: string, text: string): number {
    const current = this.fields.get(name);
    return this.bytes - (current === undefined ? 0 : fieldBytes(name, current)) + fieldBytes(name, text);
  }

  hasPendingWork(): boolean {
    return (
      this.#toDestroy.length > 0 ||
      this.#movingFrom !== undefined ||
      (this.key !== undefined && !this.stored && this.#wouldStore()) ||
      (this.stored && (this.#hasChanges() || this.touchDue))
    );
  }

  /** The store work of the next commit, taken out of the state (see {@link putBack}). */
  takePending(): PendingCommit {
    const destroy = this.#toDestroy.splice(0);
    const hadChanges = this.#hasChanges();
    const changes = this.#takeChanges();
    const key = this.key;
    if (key === undefined) return { destroy };
    if (this.#movingFrom !== undefined) {
      const from = this.#movingFrom;
      this.#movingFrom = undefined;
      return { destroy, move: { from, to: key, changes } };
    }
    if (!this.stored) {
      return this.#wouldStore()
        ? { destroy, create: { key, fields: Object.fromEntries(this.fields) } }
        : { destroy };
    }
    if (hadChanges) {
      this.touchDue = false;
      return { destroy, update: { key, changes } };
    }
    if (this.touchDue) {
      this.touchDue = false;
      return { destroy, touch: { key } };
    }
    return { destroy };
  }

  /**
   * Puts back the parts of a commit that did not happen (the store failed), ahead of any change
   * made since, so that a later `save()` still writes them. (A commit takes each step off
   * `pending` as it completes.)
   */
  putBack(pending: PendingCommit): void {
    this.#toDestroy.unshift(...pending.destroy);
    const { move, update, touch } = pending;
    if (move) {
      // The record still lives under `from`: move it later, or delete it if the session ended meanwhile.
      if (this.id !== undefined) this.#movingFrom ??= move.from;
      else this.#toDestroy.push(move.from);
    }
    const earlier = move?.changes ?? update?.changes;
    if (earlier && (move ? this.#movingFrom === move.from : this.key === update?.key)) {
      const merged = composeChangeSets(earlier, this.#takeChanges());
      this.#resetChanges(merged.replace);
      for (const name of Object.keys(merged.set)) this.#set.set(name, merged.set[name]!);
      for (const name of merged.delete) this.#deleted.add(name);
    }
    if (touch && this.key === touch.key) this.touchDue = true;
  }

  /** The commit wrote (or created, or moved) the record under the current key. */
  markStored(): void {
    this.stored = true;
    this.#renewed = true;
  }

  /**
   * The cookie the response owes as things stand. Asked before the commit has run (a response whose
   * headers go out first), a stored session that is about to be written or refreshed is owed its
   * refreshed cookie already: should the commit then find the session gone (another request ended
   * it), the browser merely keeps a dead id, which resolves to nothing.
   */
  owedCookie(): OwedCookie {
    if (this.id === undefined) return this.#expireCookie ? 'expire' : 'none';
    if (this.stored) return this.#renewed || this.#hasChanges() || this.touchDue ? 'live' : 'none';
    // A new id: the browser needs it if the record under it will exist.
    return this.#movingFrom !== undefined || this.#wouldStore() ? 'live' : 'none';
  }

  /** Whether a new session would be stored: it has data, or its id was handed out. */
  #wouldStore(): boolean {
    return this.fields.size > 0 || this.#materialize;
  }

  #hasChanges(): boolean {
    return this.#replace || this.#set.size > 0 || this.#deleted.size > 0;
  }

  #takeChanges(): SessionChangeSet {
    const changes: SessionChangeSet = {
      replace: this.#replace,
      set: Object.fromEntries(this.#set),
      delete: [...this.#deleted],
    };
    this.#resetChanges(false);
    return changes;
  }

  #resetChanges(replace: boolean): void {
    this.#replace = replace;
    this.#set.clear();
    this.#deleted.clear();
  }

  #clearIdentity(): void {
    this.id = undefined;
    this.key = undefined;
    this.stored = false;
    this.#movingFrom = undefined;
    this.#materialize = false;
    this.#renewed = false;
    this.touchDue = false;
    this.#resetChanges(false);
    this.fields.clear();
    this.bytes = 0;
  }

  #changing(): void {
    const hook = this.onFirstChange;
    if (hook !== undefined) {
      this.onFirstChange = undefined;
      hook();
    }
    if (this.closed) this.onLateChange?.('a change');
  }

  #put(name: string, text: string): void {
    const previous = this.fields.get(name);
    if (previous !== undefined) this.bytes -= fieldBytes(name, previous);
    this.fields.set(name, text);
    this.bytes += fieldBytes(name, text);
  }
}

function fieldBytes(name: string, text: string): number {
  return Buffer.byteLength(name) + Buffer.byteLength(text);
}
