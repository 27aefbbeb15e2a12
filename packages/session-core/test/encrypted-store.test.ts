import { describe, expect, it } from '@jest/globals';
import {
  createMemoryStore,
  encryptStore,
  generateSessionId,
  type MemoryStoreEntry,
  type SessionLogger,
  sessionKeyOf,
} from '../src/index.js';

const OLD_SECRET = 'old-secret-0123456789abcdef';
const NEW_SECRET = 'new-secret-0123456789abcdef';
const TTL = { ttlSeconds: 60 };

function setup() {
  const entries = new Map<string, MemoryStoreEntry>();
  const warnings: string[] = [];
  const logger: SessionLogger = { warn: (line) => warnings.push(line), error: (line) => warnings.push(line) };
  const plain = createMemoryStore({ entries });
  const storeWith = (...secrets: string[]) => encryptStore(plain, secrets, logger);
  const stored = (key: string) => entries.get(key)!.fields;
  return { entries, warnings, storeWith, stored, key: sessionKeyOf(generateSessionId()) };
}

/** The stored name of the one field whose value changed between two snapshots of a record. */
function changedName(before: Record<string, string>, after: Record<string, string>): string {
  const changed = Object.keys(after).filter((name) => before[name] !== after[name] && !(name in before));
  expect(changed).toHaveLength(1);
  return changed[0]!;
}

describe('encryptStore', () => {
  it('stores neither values nor field names in clear, and reads them back', async () => {
    const { entries, storeWith, stored, key } = setup();
    const store = storeWith(NEW_SECRET);
    await store.create(key, { user: '"alice"', cart: '[{"id":1}]' }, TTL);
    const raw = JSON.stringify(entries.get(key));
    for (const text of ['alice', 'user', 'cart']) expect(raw).not.toContain(text);
    // Two fields and the sealed expiry, each under an opaque name.
    expect(Object.keys(stored(key))).toHaveLength(3);
    for (const [name, value] of Object.entries(stored(key))) {
      expect(name).toMatch(/^f\.[\w-]{22}$/);
      expect(value).toMatch(/^v2\.[\w-]{8}\.[\w-]+$/);
    }
    expect((await store.read(key))?.fields).toEqual({ user: '"alice"', cart: '[{"id":1}]' });
  });

  it('names one field differently in every session, so records cannot be compared', async () => {
    const { storeWith, stored, key } = setup();
    const other = sessionKeyOf(generateSessionId());
    const store = storeWith(NEW_SECRET);
    await store.create(key, { role: '"admin"' }, TTL);
    await store.create(other, { role: '"admin"' }, TTL);
    const names = (k: string) => new Set(Object.keys(stored(k)));
    expect([...names(key)].filter((name) => names(other).has(name))).toEqual([]);
  });

  it('applies change sets by field name: set, delete, clear', async () => {
    const { storeWith, key } = setup();
    const store = storeWith(NEW_SECRET);
    await store.create(key, { a: '1', b: '2' }, TTL);
    expect(await store.update(key, { replace: false, set: { a: '10', c: '3' }, delete: ['b'] }, TTL)).toBe(
      true,
    );
    expect((await store.read(key))?.fields).toEqual({ a: '10', c: '3' });
    expect(await store.update(key, { replace: true, set: { d: '4' }, delete: [] }, TTL)).toBe(true);
    expect((await store.read(key))?.fields).toEqual({ d: '4' });
  });

  it('rotates: the old secret still opens, a write moves each field it touches to the new one', async () => {
    const { storeWith, stored, key } = setup();
    await storeWith(OLD_SECRET).create(key, { a: '1', b: '2' }, TTL);
    const rotated = storeWith(NEW_SECRET, OLD_SECRET);
    expect((await rotated.read(key))?.fields).toEqual({ a: '1', b: '2' });
    await rotated.update(key, { replace: false, set: { a: '10' }, delete: ['b'] }, TTL);
    // a's old copy, b and the old expiry seal are gone: one copy of a and a new seal remain.
    expect(Object.keys(stored(key))).toHaveLength(2);
    const keyIds = new Set(Object.values(stored(key)).map((value) => value.split('.')[1]));
    expect(keyIds.size).toBe(1);
    expect((await storeWith(NEW_SECRET).read(key))?.fields).toEqual({ a: '10' });
  });

  it('keeps the newest copy when a field exists under an old and a new secret', async () => {
    const { storeWith, stored, key } = setup();
    await storeWith(OLD_SECRET).create(key, { a: '"old"' }, TTL);
    const before = { ...stored(key) };
    // A writer that knows only the new secret (a server already rotated) adds its own copy of a.
    await storeWith(NEW_SECRET).update(key, { replace: false, set: { a: '"new"' }, delete: [] }, TTL);
    expect(Object.keys(stored(key)).length).toBeGreaterThan(Object.keys(before).length);
    expect((await storeWith(NEW_SECRET, OLD_SECRET).read(key))?.fields).toEqual({ a: '"new"' });
  });

  it('treats sessions it cannot open (retired secret, moved or altered values) as missing, logging once', async () => {
    const { entries, warnings, storeWith, stored, key } = setup();
    await storeWith(OLD_SECRET).create(key, { a: '1' }, TTL);
    const current = storeWith(NEW_SECRET);
    expect(await current.read(key)).toBeUndefined();
    expect(await current.read(key)).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/could not be decrypted/);

    const store = storeWith(OLD_SECRET);
    const other = sessionKeyOf(generateSessionId());
    entries.set(other, { fields: { ...stored(key) }, expiresAt: Date.now() + 60_000 });
    expect(await store.read(other)).toBeUndefined(); // a record copied to another session does not open
    const [firstName, firstValue] = Object.entries(stored(key))[0]!;
    stored(key)[`${firstName.slice(0, -2)}AA`] = firstValue; // nor a value under another name
    expect(await store.read(key)).toBeUndefined();
  });

  it('swapping two values of one session is noticed', async () => {
    const { storeWith, stored, key } = setup();
    const store = storeWith(NEW_SECRET);
    await store.create(key, { role: '"user"' }, TTL);
    const before = { ...stored(key) };
    await store.update(key, { replace: false, set: { note: '"admin"' }, delete: [] }, TTL);
    const note = changedName(before, stored(key));
    const role = Object.keys(before).find((name) => before[name] !== undefined && name !== note)!;
    const fields = stored(key);
    [fields[role], fields[note]] = [fields[note]!, fields[role]!];
    expect(await store.read(key)).toBeUndefined();
  });

  it('a record whose expiry was extended in the store still ends at its sealed expiry', async () => {
    const { entries, storeWith, key } = setup();
    const store = storeWith(NEW_SECRET);
    await store.create(key, { user: '"alice"' }, { ttlSeconds: 1 });
    // Someone with write access to the store keeps the record for a year.
    entries.get(key)!.expiresAt = Date.now() + 365 * 86_400_000;
    const read = await store.read(key);
    expect(read?.expiresAt).toBeLessThanOrEqual(Date.now() + 1000);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await store.read(key)).toBeUndefined();
  });

  it('a touch reseals the expiry, so a refreshed session lives on', async () => {
    const { storeWith, key } = setup();
    const store = storeWith(NEW_SECRET);
    await store.create(key, { user: '"alice"' }, { ttlSeconds: 1 });
    expect(await store.touch(key, { ttlSeconds: 60 })).toBe(true);
    expect((await store.read(key))?.expiresAt).toBeGreaterThan(Date.now() + 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await store.read(key))?.fields).toEqual({ user: '"alice"' });
  });

  it('a record without its expiry seal (the field dropped) is not accepted', async () => {
    const { storeWith, stored, key } = setup();
    const store = storeWith(NEW_SECRET);
    await store.create(key, {}, TTL);
    const [seal] = Object.keys(stored(key)); // an empty session holds only its expiry seal
    await store.update(key, { replace: false, set: { a: '1' }, delete: [] }, TTL);
    const names = Object.keys(stored(key));
    expect(names).toHaveLength(2);
    expect(names).toContain(seal);
    delete stored(key)[seal!];
    expect(await store.read(key)).toBeUndefined();
  });

  it('a value cannot be carried over a regenerate: the moved record is sealed for the new key', async () => {
    const { storeWith, stored, key } = setup();
    const store = storeWith(NEW_SECRET);
    await store.create(key, { role: '"admin"' }, TTL);
    const oldRecord = { ...stored(key) };
    const next = sessionKeyOf(generateSessionId());
    expect(await store.move(key, next, (fields) => ({ ...fields, role: '"user"' }), TTL)).toBe(true);
    expect((await store.read(next))?.fields).toEqual({ role: '"user"' });
    // Putting the pre-regenerate record back under the new key does not restore "admin".
    for (const [name, value] of Object.entries(oldRecord)) stored(next)[name] = value;
    expect(await store.read(next)).toBeUndefined();
  });
});
