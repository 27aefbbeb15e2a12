import { describe, expect, it } from '@jest/globals';
import {
  createMemoryStore,
  type MemoryStoreEntry,
  type Session,
  SessionTooLargeError,
  sessionKeyOf,
} from '../src/index.js';
import { cookieFrom, finishRequest, memoryManager, openRequest } from './support/manager.js';

/** Loads a session, lets `use` work on it, commits, and returns the cookie a browser would keep. */
async function request(
  manager: ReturnType<typeof memoryManager>,
  cookie: string | undefined,
  use: (session: Session) => void,
): Promise<{ cookie: string | undefined; setCookie: string | undefined }> {
  const request = await openRequest(manager, cookie);
  use(request.session);
  const setCookie = await finishRequest(request);
  return { cookie: setCookie === undefined ? cookie : cookieFrom(setCookie), setCookie };
}

describe('Session', () => {
  it('returns stored falsy values as stored and the default only for absent keys', async () => {
    const manager = memoryManager();
    const { cookie } = await request(manager, undefined, (session) => {
      session.set('zero', 0).set('no', false).set('empty', '').set('nothing', null);
    });
    await request(manager, cookie, (session) => {
      expect(session.get('zero', 5)).toBe(0);
      expect(session.get('no', true)).toBe(false);
      expect(session.get('empty', 'x')).toBe('');
      expect(session.get('nothing', 'x')).toBeNull();
      expect(session.get('missing', 'fallback')).toBe('fallback');
      expect(session.get('missing')).toBeUndefined();
      expect(session.has('zero')).toBe(true);
      expect(session.has('missing')).toBe(false);
    });
  });

  it('excludes flash values from all() and has(), and keeps a flash until it is read once', async () => {
    const manager = memoryManager();
    const first = await request(manager, undefined, (session) => {
      session.set('user', 'alice');
      session.flash('message', 'Saved');
      expect(session.all()).toEqual({ user: 'alice' });
      expect(session.has('message')).toBe(false);
    });
    await request(manager, first.cookie, () => {});
    await request(manager, first.cookie, (session) => {
      expect(session.getFlash('missing', 'none')).toBe('none');
      expect(session.flash('message')).toBe('Saved');
      expect(session.flash('message')).toBeUndefined();
    });
    await request(manager, first.cookie, (session) => expect(session.getFlash('message')).toBeUndefined());
  });

  it('flash(key, null) reads the flash value, as in Tina4', async () => {
    const manager = memoryManager();
    const first = await request(manager, undefined, (session) => session.flash('notice', 'Saved'));
    await request(manager, first.cookie, (session) => {
      expect(session.flash('notice', null)).toBe('Saved');
      expect(session.flash('notice', null)).toBeUndefined();
    });
  });

  it('setTtl() gives one session a lifetime of its own that the store and the cookie follow', async () => {
    const entries = new Map<string, MemoryStoreEntry>();
    const store = createMemoryStore({ entries });
    const manager = memoryManager({ ttl: 3600 }, store);
    const month = 30 * 24 * 3600;
    const first = await request(manager, undefined, (session) => {
      session.set('user', 'alice').setTtl(month);
      expect(session.getTtl()).toBe(month);
      expect(session.all()).toEqual({ user: 'alice' });
    });
    expect(first.setCookie).toMatch(new RegExp(`; Max-Age=${month};`));
    const key = sessionKeyOf(first.cookie!.split('=')[1]!);
    expect(entries.get(key)!.expiresAt - Date.now()).toBeGreaterThan((month - 60) * 1000);
    // A later write keeps it, and so does regenerate().
    const second = await request(manager, first.cookie, (session) => {
      session.set('cart', [1]);
      session.regenerate();
    });
    expect(second.setCookie).toMatch(new RegExp(`; Max-Age=${month};`));
    const moved = sessionKeyOf(second.cookie!.split('=')[1]!);
    expect(entries.get(moved)!.expiresAt - Date.now()).toBeGreaterThan((month - 60) * 1000);
    const { session } = await openRequest(manager);
    expect(() => session.setTtl(401 * 24 * 3600)).toThrow(/400 days/);
    expect(() => session.set('__tina4:ttl', 5)).toThrow(/reserved/);
  });

  it('clear() empties the data and keeps the id', async () => {
    const manager = memoryManager();
    const first = await request(manager, undefined, (session) => session.set('a', 1).set('b', 2));
    const second = await request(manager, first.cookie, (session) => session.clear());
    expect(second.setCookie).toMatch(/^tina4_session=/);
    expect(second.cookie).toBe(first.cookie);
    await request(manager, first.cookie, (session) => expect(session.all()).toEqual({}));
  });

  it('delete() removes one key and reports whether it was there', async () => {
    const manager = memoryManager();
    const first = await request(manager, undefined, (session) => session.set('a', 1).set('b', 2));
    await request(manager, first.cookie, (session) => {
      expect(session.delete('a')).toBe(true);
      expect(session.delete('a')).toBe(false);
    });
    await request(manager, first.cookie, (session) => expect(session.all()).toEqual({ b: 2 }));
  });

  it('returns copies: mutating a value without set() changes nothing stored', async () => {
    const manager = memoryManager();
    const first = await request(manager, undefined, (session) => session.set('cart', [{ id: 1 }]));
    await request(manager, first.cookie, (session) => {
      (session.get('cart') as { id: number }[]).push({ id: 2 });
      expect(session.get('cart')).toEqual([{ id: 1 }]);
    });
  });

  it('names the key and the path of a value that is not JSON, and stores nothing', async () => {
    const manager = memoryManager();
    const request = await openRequest(manager);
    const { session } = request;
    class Point {
      x = 1;
    }
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const cases: [unknown, RegExp][] = [
      [{ items: [{ added: new Date() }] }, /"cart".*cart\.items\[0\]\.added is a Date.*toISOString\(\)/],
      [new Map([['a', 1]]), /cart is a Map.*Object\.fromEntries/],
      [new Set([1]), /cart is a Set/],
      [new Point(), /cart is an instance of Point/],
      [{ big: 10n }, /cart\.big is a BigInt/],
      [{ run() {} }, /cart\.run is a function/],
      [circular, /cart\.self is a circular reference/],
      [undefined, /cart is undefined.*null/],
      [[1, Number.NaN], /cart\[1\] is NaN/],
    ];
    for (const [value, message] of cases) {
      expect(() => session.set('cart', value as never)).toThrow(TypeError);
      expect(() => session.set('cart', value as never)).toThrow(message);
    }
    expect(session.all()).toEqual({});
    expect(await finishRequest(request)).toBeUndefined();
  });

  it('refuses data over the size limit with the key, size and limit, keeping the previous value', async () => {
    const manager = memoryManager({ maxBytes: 100 });
    const { session } = await openRequest(manager);
    session.set('note', 'short');
    expect(() => session.set('note', 'x'.repeat(200))).toThrow(SessionTooLargeError);
    expect(() => session.set('note', 'x'.repeat(200))).toThrow(
      /206 bytes with key "note".*limit of 100 bytes/,
    );
    expect(session.get('note')).toBe('short');
  });

  it('regenerate() moves the data to a new id and deletes the old record', async () => {
    const store = createMemoryStore();
    const manager = memoryManager({}, store);
    const first = await request(manager, undefined, (session) => session.set('user', 'bob'));
    const oldId = first.cookie!.split('=')[1]!;
    const second = await request(manager, first.cookie, (session) => {
      const newId = session.regenerate();
      expect(newId).not.toBe(oldId);
      expect(session.getSessionId()).toBe(newId);
    });
    expect(second.cookie).toBe(`tina4_session=${second.cookie!.split('=')[1]}`);
    expect(second.cookie).not.toBe(first.cookie);
    expect(await store.read(sessionKeyOf(oldId))).toBeUndefined();
    await request(manager, second.cookie, (session) => expect(session.get('user')).toBe('bob'));
    await request(manager, first.cookie, (session) => expect(session.get('user')).toBeUndefined());
  });

  it('save() persists immediately and a second save() is harmless', async () => {
    const store = createMemoryStore();
    const manager = memoryManager({}, store);
    const request = await openRequest(manager);
    const { session } = request;
    session.set('n', 1);
    await session.save();
    await session.save();
    const key = sessionKeyOf(session.getSessionId()!);
    expect((await store.read(key))?.fields).toEqual({ n: '1' });
    session.set('n', 2);
    await Promise.all([session.save(), request.finish()]);
    expect((await store.read(key))?.fields).toEqual({ n: '2' });
  });

  it('cookieHeader() describes the session cookie; after destroy() an expiring one', async () => {
    const manager = memoryManager({ secure: true, sameSite: 'Strict', cookieName: 'app_sid' });
    const { session } = await openRequest(manager);
    expect(session.cookieHeader()).toMatch(
      new RegExp(
        `^app_sid=${session.getSessionId()}; Max-Age=3600; Path=/; Expires=[^;]+; HttpOnly; Secure; SameSite=Strict$`,
      ),
    );
    session.destroy();
    expect(session.cookieHeader()).toMatch(/^app_sid=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970/);
  });

  it('treats a record holding a value that is not JSON as missing, logging it once', async () => {
    const store = createMemoryStore();
    const warnings: string[] = [];
    const manager = memoryManager(
      { logger: { warn: (line) => warnings.push(line), error: () => {} } },
      store,
    );
    const { cookie } = await request(manager, undefined, (session) => session.set('owner', 'alice'));
    const key = sessionKeyOf(cookie!.split('=')[1]!);
    await store.update(key, { replace: false, set: { owner: 'not json{' }, delete: [] }, { ttlSeconds: 60 });
    for (let attempt = 0; attempt < 2; attempt++) {
      const { session } = await openRequest(manager, cookie);
      expect(session.all()).toEqual({});
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/not JSON \(field "owner"\)/);
  });

  it('stores only the hash of the id: the raw id is nowhere in the store', async () => {
    const store = createMemoryStore();
    const manager = memoryManager({}, store);
    const { cookie } = await request(manager, undefined, (session) => session.set('k', 'v'));
    const id = cookie!.split('=')[1]!;
    expect(await store.read(id)).toBeUndefined();
    expect(await store.read(sessionKeyOf(id))).toBeDefined();
  });
});
