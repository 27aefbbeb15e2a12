import type { SessionChangeSet, SessionFields, SessionKey } from '../store-kit/session-store.js';
import { type FieldKey, freshIvs, openField, sealField, storedNameOf } from './field-cipher.js';

/**
 * The field that seals a record's expiry: the store's own expiry can be extended by anyone who can
 * write to the store, this one cannot. In the reserved `__tina4:` namespace, so no app field meets it.
 */
const EXPIRES_FIELD = '__tina4:expires-at';

/** A record as the core sees it, once opened. */
export interface OpenedRecord {
  readonly fields: SessionFields;
  /** The expiry sealed at the last write, in epoch milliseconds. */
  readonly expiresAt: number;
}

/**
 * Seals whole records and change sets for the store, and opens what the store returns. The first
 * key writes; every key opens, so secrets rotate by putting the new one first. After a rotation a
 * field may exist under the names of two keys for a while: the newest key's copy wins, and every
 * write of a field removes its copies under the other keys.
 */
export class RecordSealer {
  readonly #keys: readonly FieldKey[];

  constructor(keys: readonly FieldKey[]) {
    this.#keys = keys;
  }

  seal(sessionKey: SessionKey, fields: Readonly<SessionFields>, expiresAt: number): SessionFields {
    const writer = this.#keys[0]!;
    const names = Object.keys(fields);
    const ivOf = freshIvs(names.length + 1);
    const sealed: SessionFields = Object.create(null);
    names.forEach((name, index) => {
      sealed[storedNameOf(writer, sessionKey, name)] = sealField(
        writer,
        sessionKey,
        name,
        fields[name]!,
        ivOf(index),
      );
    });
    sealed[storedNameOf(writer, sessionKey, EXPIRES_FIELD)] = sealField(
      writer,
      sessionKey,
      EXPIRES_FIELD,
      String(expiresAt),
      ivOf(names.length),
    );
    return sealed;
  }

  /** `changes` in stored names, with the new sealed expiry (a touch is a change set of only that). */
  sealChanges(sessionKey: SessionKey, changes: SessionChangeSet, expiresAt: number): SessionChangeSet {
    const set = this.seal(sessionKey, changes.set, expiresAt);
    const remove: string[] = [];
    const [, ...olderKeys] = this.#keys;
    for (const name of changes.delete) {
      for (const key of this.#keys) remove.push(storedNameOf(key, sessionKey, name));
    }
    if (!changes.replace) {
      for (const name of [...Object.keys(changes.set), EXPIRES_FIELD]) {
        for (const key of olderKeys) remove.push(storedNameOf(key, sessionKey, name));
      }
    }
    return { replace: changes.replace, set, delete: remove };
  }

  /**
   * The record's fields and sealed expiry, or `undefined` when any field does not open or the
   * expiry seal is missing: the record was written with a retired secret or altered.
   */
  open(sessionKey: SessionKey, stored: Readonly<SessionFields>): OpenedRecord | undefined {
    const fields: SessionFields = Object.create(null);
    const openedBy = new Map<string, number>();
    let expiresAt: number | undefined;
    let expiryKey = Number.POSITIVE_INFINITY;
    for (const storedName of Object.keys(stored)) {
      const opened = openField(this.#keys, sessionKey, storedName, stored[storedName]!);
      if (!opened) return undefined;
      if (opened.name === EXPIRES_FIELD) {
        if (opened.keyIndex < expiryKey) {
          expiresAt = Number(opened.text);
          expiryKey = opened.keyIndex;
        }
        continue;
      }
      const previous = openedBy.get(opened.name);
      if (previous !== undefined && previous <= opened.keyIndex) continue;
      openedBy.set(opened.name, opened.keyIndex);
      fields[opened.name] = opened.text;
    }
    if (expiresAt === undefined || !Number.isSafeInteger(expiresAt)) return undefined;
    return { fields, expiresAt };
  }
}
