import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { sessionKeyOf } from '@tina4/session-core';
import { startTinyApp, type TinyApp } from './support/apps.js';
import { captureLogger } from './support/capture-logger.js';
import { printFigures } from './support/figures.js';
import { cookieSetBy, idOf, newSession, readSession, writeUrl } from './support/http.js';
import { availableStores, disposeAll, type StoreTarget } from './support/stores.js';

/**
 * Session values encrypted at rest (`TINA4_SESSION_SECRET`, AES-256-GCM), on every store: the back
 * door sees no plaintext value, the app reads its data, a second secret rotates the key (old
 * sessions still read, new writes use the new key), and a retired secret makes old sessions fresh
 * ones, with a log line, never a crash.
 */

const OLD_SECRET = 'old-secret-0123456789-abcdefghij';
const NEW_SECRET = 'new-secret-9876543210-zyxwvutsrq';
/** A value whose text must never appear in what is stored. */
const MARKER = 'plaintext-marker-Ωλ-4242';

const { targets } = await availableStores();
afterAll(() => disposeAll(targets));

/** The key id of a stored value (`v2.<key id>.<payload>`), or `clear` for one that is not encrypted. */
function keyIdOf(stored: string): string {
  const [format, id] = stored.split('.');
  return format === 'v2' && id ? id : 'clear';
}

/** The key ids of a stored record, after checking that none of its field names can be read. */
function keyIdsOf(stored: Record<string, string>): string[] {
  for (const name of Object.keys(stored)) expect(name).toMatch(/^f\.[\w-]{22}$/);
  return Object.values(stored).map(keyIdOf);
}

async function app(target: StoreTarget, secrets: string, logger = captureLogger()): Promise<TinyApp> {
  return startTinyApp('express', await target.options({ logger, env: { TINA4_SESSION_SECRET: secrets } }));
}

describe.each(targets.map((target) => [target.name, target] as const))(
  'encryption at rest on the %s store',
  (name, target) => {
    it('stores no plaintext, reads its data back, rotates keys and forgets sessions of a retired secret', async () => {
      // 1. One secret: values go in encrypted and come back as they were.
      const first = await app(target, OLD_SECRET);
      let cookie: string;
      let oldOnly: string;
      try {
        cookie = await newSession(first.url, 'owner', MARKER);
        await fetch(writeUrl(first.url, 'cart', [{ product_id: 1, note: MARKER }]), {
          method: 'POST',
          headers: { cookie },
        });
        oldOnly = await newSession(first.url, 'owner', 'old only');
        expect(await readSession(first.url, cookie)).toEqual({
          owner: MARKER,
          cart: [{ product_id: 1, note: MARKER }],
        });
      } finally {
        await first.close();
      }
      const key = sessionKeyOf(idOf(cookie));
      const stored = (await target.backdoor.fields(key))!;
      // Two fields and the sealed expiry, under names that say nothing.
      const oldKeyId = keyIdOf(Object.values(stored)[0]!);
      expect(keyIdsOf(stored)).toEqual([oldKeyId, oldKeyId, oldKeyId]);
      expect(oldKeyId).not.toBe('clear');
      const dump = await target.backdoor.dump();
      for (const text of [MARKER, 'plaintext-marker', 'owner', 'cart']) expect(dump).not.toContain(text);

      // 2. Rotation: the new secret first, the old one second (as TINA4_SESSION_SECRET="new,old").
      const rotated = await app(target, `${NEW_SECRET}, ${OLD_SECRET}`);
      try {
        expect(await readSession(rotated.url, cookie)).toEqual({
          owner: MARKER,
          cart: [{ product_id: 1, note: MARKER }],
        });
        const write = await fetch(writeUrl(rotated.url, 'after_rotation', MARKER), {
          method: 'POST',
          headers: { cookie },
        });
        expect(write.status).toBe(200);
        expect(cookieSetBy(write) ?? cookie).toBe(cookie);
        // Re-encrypt the old values under the new key by writing them again.
        await fetch(writeUrl(rotated.url, 'owner', MARKER), { method: 'POST', headers: { cookie } });
        await fetch(writeUrl(rotated.url, 'cart', [{ product_id: 1, note: MARKER }]), {
          method: 'POST',
          headers: { cookie },
        });
      } finally {
        await rotated.close();
      }
      const afterRotation = (await target.backdoor.fields(key))!;
      // Every field was written again: each is under the new key only, as is the expiry seal.
      const newKeyId = keyIdOf(Object.values(afterRotation)[0]!);
      expect(newKeyId).not.toBe(oldKeyId);
      expect(newKeyId).not.toBe('clear');
      expect(keyIdsOf(afterRotation)).toEqual([newKeyId, newKeyId, newKeyId, newKeyId]);
      expect(await target.backdoor.dump()).not.toContain(MARKER);

      // 3. The old secret retired: sessions only it can open are fresh ones (logged), the others read.
      const logger = captureLogger();
      const retired = await app(target, NEW_SECRET, logger);
      let oldOnlyRead: Record<string, unknown>;
      try {
        expect(await readSession(retired.url, cookie)).toEqual({
          owner: MARKER,
          cart: [{ product_id: 1, note: MARKER }],
          after_rotation: MARKER,
        });
        oldOnlyRead = await readSession(retired.url, oldOnly);
        const rewrite = await fetch(writeUrl(retired.url, 'owner', 'new visitor'), {
          method: 'POST',
          headers: { cookie: oldOnly },
        });
        expect(rewrite.status).toBe(200);
        expect(cookieSetBy(rewrite)).not.toBe(oldOnly);
      } finally {
        await retired.close();
      }
      const warnings = logger.lines.filter((line) => line.message.includes('could not be decrypted'));
      printFigures('security: encryption at rest', name, {
        valuesChecked: Object.keys(afterRotation).length,
        plaintextInStore: 0,
        oldKeyId,
        newKeyId,
        retiredSecretSession: JSON.stringify(oldOnlyRead),
        warnings: warnings.length,
      });
      expect(oldOnlyRead).toEqual({});
      expect(warnings).toHaveLength(1);
      expect(logger.text()).not.toContain(idOf(oldOnly));
    });
  },
);

describe('encrypted values bound to their session (file store)', () => {
  it('a record copied into another session’s file is not accepted there', async () => {
    const file = targets.find((target) => target.name === 'file')!;
    const logger = captureLogger();
    const running = await app(file, OLD_SECRET, logger);
    try {
      const alice = await newSession(running.url, 'role', 'admin');
      const mallory = await newSession(running.url, 'role', 'customer');
      const dir = (await file.options()).path!;
      const pathOf = (cookie: string) => join(dir, `sess-${sessionKeyOf(idOf(cookie))}.json`);
      const aliceRecord = JSON.parse(await readFile(pathOf(alice), 'utf8')) as {
        fields: Record<string, string>;
      };
      const malloryRecord = JSON.parse(await readFile(pathOf(mallory), 'utf8')) as {
        expiresAt: number;
        fields: Record<string, string>;
      };
      malloryRecord.fields = aliceRecord.fields;
      await writeFile(pathOf(mallory), JSON.stringify(malloryRecord));
      expect(await readSession(running.url, mallory)).toEqual({});
      expect(await readSession(running.url, alice)).toEqual({ role: 'admin' });
      expect(logger.lines.filter((line) => line.message.includes('could not be decrypted'))).toHaveLength(1);
    } finally {
      await running.close();
    }
  });
});
