import type { ReleaseSessionLock, SessionChangeSet, SessionFields } from './store/session-store.js';

/** Which `Set-Cookie` the response owes the browser for the session cookie. */
export type CookieAction = 'none' | 'issue' | 'expire';

/** The work a commit has to do, taken from the state in one step. */
export interface PendingCommit {
  readonly key: string | undefined;
  readonly changes: SessionChangeSet | undefined;
  readonly touch: boolean;
  readonly obsoleteKeys: readonly string[];
}

/**
 * The mutable record behind one request's {@link Session}: the current fields, what changed since
 * the last commit, and what the response owes the browser. Kept apart from the public class so
 * that the API surface stays the Tina4 methods only.
 */
export class SessionState {
  id: string | undefined;
  key: string | undefined;
  /** Whether a record exists in the store under {@link key}. */
  stored = false;
  readonly fields = new Map<string, string>();
  /** Bytes of all field names and JSON texts, for `TINA4_SESSION_MAX_BYTES`. */
  bytes = 0;

  #replace = false;
  readonly #set = new Map<string, string>();
  readonly #deleted = new Set<string>();
  #obsoleteKeys: string[] = [];
  touchDue = false;
  cookie: CookieAction = 'none';
  releaseLock: ReleaseSessionLock | undefined;
  /** Whether the request arrived over HTTPS (for `TINA4_SESSION_SECURE=auto`). */
  https = false;
  /**
   * Called once, before the first change: adapters use it to hook the response only for sessions
   * that will need a commit or a cookie, and leave untouched requests alone.
   */
  onFirstChange: (() => void) | undefined;
  /** Serialises commits of this request (a handler's `save()` and the automatic one). */
  commitTail: Promise<void> | undefined;

  adopt(id: string, key: string, fields: SessionFields): void {
    this.id = id;
    this.key = key;
    this.stored = true;
    for (const [name, text] of Object.entries(fields)) this.#put(name, text);
  }

  setField(name: string, text: string): void {
    this.#changing();
    this.#expectWrite();
    this.#put(name, text);
    this.#set.set(name, text);
    this.#deleted.delete(name);
  }

  deleteField(name: string): boolean {
    const text = this.fields.get(name);
    if (text === undefined) return false;
    this.#changing();
    this.#expectWrite();
    this.fields.delete(name);
    this.bytes -= fieldBytes(name, text);
    this.#set.delete(name);
    if (!this.#replace) this.#deleted.add(name);
    return true;
  }

  /** Empties the fields; the next commit replaces whatever the store holds. */
  clearFields(): void {
    this.#changing();
    this.#expectWrite();
    this.fields.clear();
    this.bytes = 0;
    this.#replace = true;
    this.#set.clear();
    this.#deleted.clear();
  }

  /** Gives a session that has no id yet (a new visitor, or after `destroy()`) a fresh one. */
  assignId(id: string, key: string): void {
    this.#changing();
    this.id = id;
    this.key = key;
    this.stored = false;
    this.cookie = 'issue';
    // The browser gets this id, so the store gets a record under it (even an empty one).
    this.#replace = true;
  }

  /** Moves the session to a new id: the next commit writes everything there and deletes `key`. */
  moveTo(id: string, key: string): void {
    this.#changing();
    if (this.key !== undefined && this.stored) this.#obsoleteKeys.push(this.key);
    this.id = id;
    this.key = key;
    this.stored = false;
    this.#replace = true;
    this.#set.clear();
    for (const [name, text] of this.fields) this.#set.set(name, text);
    this.#deleted.clear();
    this.touchDue = false;
    this.cookie = 'issue';
  }

  /** Forgets the id and the data; the next commit deletes the old record. */
  forget(): void {
    this.#changing();
    if (this.key !== undefined && this.stored) this.#obsoleteKeys.push(this.key);
    this.id = undefined;
    this.key = undefined;
    this.stored = false;
    this.clearFields();
    this.#replace = false;
    this.touchDue = false;
    this.cookie = 'expire';
  }

  /** Bytes the session would have if `name` held `text`. */
  bytesWith(name: string, text: string): number {
    const current = this.fields.get(name);
    return this.bytes - (current === undefined ? 0 : fieldBytes(name, current)) + fieldBytes(name, text);
  }

  hasPendingWork(): boolean {
    return this.#hasChanges() || this.touchDue || this.#obsoleteKeys.length > 0;
  }

  takePending(): PendingCommit {
    const changes = this.#hasChanges() && this.key !== undefined ? this.#takeChangeSet() : undefined;
    const pending: PendingCommit = {
      key: this.key,
      changes,
      touch: changes === undefined && this.touchDue && this.stored,
      obsoleteKeys: this.#obsoleteKeys,
    };
    this.touchDue = false;
    this.#obsoleteKeys = [];
    return pending;
  }

  #changing(): void {
    const hook = this.onFirstChange;
    if (hook === undefined) return;
    this.onFirstChange = undefined;
    hook();
  }

  /**
   * A write will move the record's expiry, so the cookie's must move with it. Decided now, not after
   * the write, because a handler may send the headers (an explicit `writeHead`) before the commit.
   */
  #expectWrite(): void {
    if (this.cookie === 'none' && this.id !== undefined) this.cookie = 'issue';
  }

  #hasChanges(): boolean {
    return this.#replace || this.#set.size > 0 || this.#deleted.size > 0;
  }

  #takeChangeSet(): SessionChangeSet {
    const changes: SessionChangeSet = {
      replace: this.#replace || !this.stored,
      set: Object.fromEntries(this.#set),
      delete: [...this.#deleted],
    };
    this.#replace = false;
    this.#set.clear();
    this.#deleted.clear();
    return changes;
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
