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

function setup() {
  const entries = new Map<string, MemoryStoreEntry>();
  const warnings: string[] = [];
  const logger: SessionLogger = { warn: (line) => warnings.push(line), error: (line) => warnings.push(line) };
  const plain = createMemoryStore({ entries });
  const storeWith = (...secrets: string[]) => encryptStore(plain, secrets, logger);
  return { entries, warnings, storeWith, key: sessionKeyOf(generateSessionId()) };
}

describe('encryptStore', () => {
  it('stores ciphertext only and reads the values back', async () => {
    const { entries, storeWith, key } = setup();
    const store = storeWith(NEW_SECRET);
    await store.create(key, { user: '"alice"', cart: '[{"id":1}]' }, { ttlSeconds: 60 });
    const raw = JSON.stringify(entries.get(key));
    expect(raw).not.toContain('alice');
    expect(entries.get(key)?.fields.user).toMatch(/^v1\.[\w-]{8}\.[\w-]+$/);
    expect((await store.read(key))?.fields).toEqual({ user: '"alice"', cart: '[{"id":1}]' });
  });

  it('rotates: the old secret still decrypts, new writes use the new one', async () => {
    const { entries, storeWith, key } = setup();
    await storeWith(OLD_SECRET).create(key, { a: '1' }, { ttlSeconds: 60 });
    const rotated = storeWith(NEW_SECRET, OLD_SECRET);
    expect((await rotated.read(key))?.fields).toEqual({ a: '1' });
    await rotated.update(key, { replace: false, set: { b: '2' }, delete: [] }, { ttlSeconds: 60 });
    const [, oldId] = entries.get(key)!.fields.a!.split('.');
    const [, newId] = entries.get(key)!.fields.b!.split('.');
    expect(newId).not.toBe(oldId);
    expect((await storeWith(NEW_SECRET, OLD_SECRET).read(key))?.fields).toEqual({ a: '1', b: '2' });
  });

  it('treats sessions it cannot open (retired secret, moved or altered values) as missing, logging once', async () => {
    const { entries, warnings, storeWith, key } = setup();
    await storeWith(OLD_SECRET).create(key, { a: '1' }, { ttlSeconds: 60 });
    const current = storeWith(NEW_SECRET);
    expect(await current.read(key)).toBeUndefined();
    expect(await current.read(key)).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/could not be decrypted/);

    const other = sessionKeyOf(generateSessionId());
    const store = storeWith(OLD_SECRET);
    entries.set(other, { fields: { a: entries.get(key)!.fields.a! }, expiresAt: Date.now() + 60_000 });
    expect(await store.read(other)).toBeUndefined(); // a value copied to another session does not open
    entries.get(key)!.fields.b = entries.get(key)!.fields.a!; // nor under another field name
    expect(await store.read(key)).toBeUndefined();
  });
});
