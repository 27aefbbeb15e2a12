import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { createFileStore } from '../src/file-store/file-store.js';
import { generateSessionId, sessionKeyOf } from '../src/session/session-id.js';
import { USER_FIELD, userKeyOf } from '../src/store-kit/user-binding.js';

const scratch = await mkdtemp(join(tmpdir(), 'tina4-file-users-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

let directories = 0;
const newDirectory = (): string => join(scratch, `dir-${++directories}`);
const newKey = (): string => sessionKeyOf(generateSessionId());
const ttl = { ttlSeconds: 60 };
const boundTo = (user: string) => ({ [USER_FIELD]: JSON.stringify(user), cart: '[1]' });

/** The session keys marked under `user` in the store's directory. */
async function markers(directory: string, user: string): Promise<string[]> {
  try {
    return (await readdir(join(directory, 'sess-users', userKeyOf(user)))).sort();
  } catch {
    return [];
  }
}

describe("the file store's index of a user's sessions", () => {
  it('is a marker file per bound session, sess-users/<user key>/<session key>, gone with the binding', async () => {
    const directory = newDirectory();
    const store = createFileStore({ directory });
    const [a, b, moved] = [newKey(), newKey(), newKey()];
    await store.create(a, boundTo('ann'), ttl);
    await store.create(b, boundTo('ann'), ttl);
    expect(await markers(directory, 'ann')).toEqual([a, b].sort());

    await store.move(a, moved, (fields) => fields, ttl);
    expect(await markers(directory, 'ann')).toEqual([b, moved].sort());
    await store.update(b, { replace: false, set: { [USER_FIELD]: JSON.stringify('bob') }, delete: [] }, ttl);
    expect(await markers(directory, 'ann')).toEqual([moved]);
    expect(await markers(directory, 'bob')).toEqual([b]);
    await store.destroy(moved);
    expect(existsSync(join(directory, 'sess-users', userKeyOf('ann')))).toBe(false);
    await store.close();
  });

  it('survives a restart: a new store on the directory lists the sessions', async () => {
    const directory = newDirectory();
    const first = createFileStore({ directory });
    const key = newKey();
    await first.create(key, boundTo('carol'), ttl);
    await first.close();
    const second = createFileStore({ directory });
    expect((await second.listUserSessions(userKeyOf('carol'))).map((record) => record.key)).toEqual([key]);
    await second.close();
  });

  it('prunes, when listing, a marker whose session file is gone (deleted by hand)', async () => {
    const directory = newDirectory();
    const store = createFileStore({ directory });
    const [kept, lost] = [newKey(), newKey()];
    await store.create(kept, boundTo('dave'), ttl);
    await store.create(lost, boundTo('dave'), ttl);
    await unlink(join(directory, `sess-${lost}.json`));
    expect((await store.listUserSessions(userKeyOf('dave'))).map((record) => record.key)).toEqual([kept]);
    expect(await markers(directory, 'dave')).toEqual([kept]);
    await store.close();
  });

  it('leaves an expired session out of a listing, and the reaper takes its marker with its file', async () => {
    const directory = newDirectory();
    const store = createFileStore({ directory, reapIntervalMs: 100 });
    const key = newKey();
    await store.create(key, boundTo('erin'), { ttlSeconds: 1 });
    expect(await markers(directory, 'erin')).toEqual([key]);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await store.listUserSessions(userKeyOf('erin'))).toEqual([]);
    for (let waited = 0; waited < 3000 && existsSync(join(directory, `sess-${key}.json`)); waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(existsSync(join(directory, `sess-${key}.json`))).toBe(false);
    expect(await markers(directory, 'erin')).toEqual([]);
    await store.close();
  });
});
