import type { SessionKey } from '../store-kit/session-store.js';

/** Records remembered at most; the oldest is forgotten first. */
const MAX_RECORDS = 1024;
/** Characters remembered at most, all records together (a few megabytes). */
const MAX_CHARACTERS = 2 * 1024 * 1024;
/** A record longer than this is not remembered: a few large sessions must not push out the rest. */
const MAX_RECORD_CHARACTERS = 64 * 1024;

/**
 * The text of session files as this process last read them, by key, for the write that usually
 * follows a read within a request: the write then plans its change from this text instead of
 * reading the file again, and its read under the lock only confirms that the file still holds it
 * (see `commit-session-file.ts`). A text that is out of date costs a second plan, never a wrong
 * write. Each text is used once, and the memory is bounded, in records and in characters.
 */
export class RecentReads {
  readonly #texts = new Map<SessionKey, string>();
  #characters = 0;

  remember(key: SessionKey, text: string): void {
    this.forget(key);
    if (text.length > MAX_RECORD_CHARACTERS) return;
    this.#texts.set(key, text);
    this.#characters += text.length;
    // A Map iterates in insertion order: its first key is the oldest.
    while (this.#texts.size > MAX_RECORDS || this.#characters > MAX_CHARACTERS) {
      this.forget(this.#texts.keys().next().value as SessionKey);
    }
  }

  /** The text remembered for `key`, which is forgotten: a write that uses it changes the file. */
  take(key: SessionKey): string | undefined {
    const text = this.#texts.get(key);
    if (text !== undefined) this.forget(key);
    return text;
  }

  forget(key: SessionKey): void {
    const text = this.#texts.get(key);
    if (text === undefined) return;
    this.#texts.delete(key);
    this.#characters -= text.length;
  }
}
