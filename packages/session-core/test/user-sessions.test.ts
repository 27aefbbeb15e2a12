import { describe, expect, it } from '@jest/globals';
import {
  createMemoryStore,
  describeUserAgent,
  type SessionStore,
  sessionErrorCode,
  USER_FIELD,
} from '../src/index.js';
import { finishRequest, memoryManager, openRequest } from './support/manager.js';

/** A store without the user-sessions capability: the memory store's operations, without `listUserSessions`. */
function storeWithoutUserSessions(): SessionStore {
  const { listUserSessions: _left, ...store } = createMemoryStore();
  return { ...store, name: 'plain' };
}

describe('setUser, getUser and setDevice', () => {
  it('keep the user as text and the device cut short, and write nothing when nothing changes', async () => {
    const manager = memoryManager();
    const request = await openRequest(manager);
    request.session.setUser(42).setDevice('  Firefox \n on   Linux  ');
    expect(request.session.getUser()).toBe('42');
    expect(request.session.all()).toEqual({});
    const cookie = (await finishRequest(request))?.split(';')[0];

    const again = await openRequest(manager, cookie);
    again.session.setUser('42').setDevice('Firefox on Linux');
    expect(again.hasPendingWork).toBe(false);
    again.session.setDevice('x'.repeat(300));
    expect((await again.session.userSessions())[0]?.device).toBe('x'.repeat(100));
    await finishRequest(again);
  });

  it.each([[''], [Number.NaN], ['x'.repeat(257)], ['\ud800'], [{}]])(
    'refuses %j as a user id',
    async (id) => {
      const request = await openRequest(memoryManager());
      expect(() => request.session.setUser(id as string)).toThrow(TypeError);
      expect(request.session.getUser()).toBeUndefined();
    },
  );

  it('leaves a session bound to nobody without a list: userSessions() rejects with a TypeError', async () => {
    const request = await openRequest(memoryManager());
    request.session.set('cart', []);
    await expect(request.session.userSessions()).rejects.toThrow(/bound to no user.*setUser/);
    await expect(request.session.revokeOtherSessions()).rejects.toThrow(TypeError);
  });

  it('is a reserved field, out of reach of set() and all()', async () => {
    const request = await openRequest(memoryManager());
    request.session.setUser('ann');
    expect(() => request.session.set(USER_FIELD as never, 'bob' as never)).toThrow(/reserved/);
    expect(request.session.all()).toEqual({});
  });
});

describe('a store without the user-sessions capability', () => {
  it('keeps the binding, and the lists and revocations say the store lacks the capability', async () => {
    const manager = memoryManager({}, storeWithoutUserSessions());
    const request = await openRequest(manager);
    request.session.setUser('ann');
    const failure = await request.session.userSessions().catch((error: unknown) => error);
    expect(sessionErrorCode(failure)).toBe('E_SESSION_CONFIG');
    expect((failure as Error).message).toMatch(/store "plain" cannot list or end a user's sessions/);
    await expect(manager.revokeUser('ann')).rejects.toMatchObject({ code: 'E_SESSION_CONFIG' });
    await expect(manager.listUser('ann')).rejects.toMatchObject({ code: 'E_SESSION_CONFIG' });
    expect(request.session.getUser()).toBe('ann');
    await finishRequest(request);
  });
});

describe('describeUserAgent', () => {
  it.each([
    ['Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 'Firefox on Linux'],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0',
      'Edge on Windows',
    ],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
      'Chrome on macOS',
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      'Safari on iOS',
    ],
    [
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36',
      'Chrome on Android',
    ],
    [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/130.0.0.0 Safari/537.36',
      'Chrome on Linux',
    ],
    ['curl/8.5.0', 'curl'],
    ['something else entirely', undefined],
    [undefined, undefined],
  ])('%s -> %s', (userAgent, expected) => {
    expect(describeUserAgent(userAgent)).toBe(expected);
  });
});
