import { deepStrictEqual, notStrictEqual, ok, rejects, strictEqual } from 'node:assert/strict';
import { encryptStore } from '../encryption/encrypted-store.js';
import type { Session } from '../session/session.js';
import { generateSessionId, sessionKeyOf } from '../session/session-id.js';
import { DEVICE_FIELD, SINCE_FIELD, type UserSession } from '../session/user-session.js';
import type { SessionKey, SessionStore } from '../store-kit/session-store.js';
import { USER_FIELD, userKeyOf } from '../store-kit/user-binding.js';
import { supportsUserSessions } from '../store-kit/user-sessions.js';
import { LONG, newKey, type SuiteContext, sleep } from './fixtures.js';
import { RequestHarness } from './request-harness.js';

/** Sessions of one user in the bulk test. */
const MANY = 1000;
/** Records created at once for the bulk test. */
const CREATE_CONCURRENCY = 16;
const QUIET = { warn: () => {}, error: () => {} };

/**
 * A user's sessions, through the core on the store under test (`setUser`, `userSessions`,
 * `revokeSession`, `revokeOtherSessions`, `SessionManager.listUser` and `revokeUser`), with what the
 * backend holds checked through the back door: a revoked session's record is gone, and stays gone
 * with a request of it in flight.
 */
export function describeUserSessions(context: SuiteContext): void {
  const { runner, options } = context;
  const declared = options.userSessions === true;

  runner.describe("a user's sessions (the user-sessions capability)", () => {
    runner.it('the store has the capability exactly when the suite is told so (userSessions)', () => {
      const has = supportsUserSessions(context.store());
      strictEqual(
        has,
        declared,
        has
          ? 'the store has listUserSessions: pass `userSessions: true` to the suite so that it is tested'
          : 'the suite was told `userSessions: true`, but the store has no listUserSessions',
      );
    });

    if (!declared) {
      const reason = 'the store does not declare the user-sessions capability (option userSessions)';
      console.warn(`[store compliance] ${options.name}: skipping the tests of a user's sessions: ${reason}`);
      runner.it.skip?.(
        `a user's sessions are listed and revoked (skipped on ${options.name}: ${reason})`,
        () => {},
      );
      return;
    }

    let requests: RequestHarness;
    runner.beforeAll(() => {
      requests = new RequestHarness(context.store());
    });
    const stored = (id: string) => context.backdoor.fields(sessionKeyOf(id));
    const newUser = () => `user-${generateSessionId().slice(0, 12)}`;

    /** A login: a session with data, bound to `user`, described as `device`; resolves its id. */
    const signIn = async (user: string, device: string, harness = requests): Promise<string> => {
      const request = await harness.open();
      request.session.regenerate();
      request.session.set('cart', [1]);
      request.session.setUser(user).setDevice(device);
      const cookie = await harness.finish(request);
      if (cookie.kind !== 'live') throw new Error('a login did not get a session cookie');
      return cookie.id;
    };
    /** What a request of session `id` lists, and the request's own handle. */
    const listedBy = async (id: string, harness = requests): Promise<UserSession[]> => {
      const request = await harness.open(id);
      try {
        return await request.session.userSessions();
      } finally {
        await harness.finish(request);
      }
    };
    const handles = (sessions: readonly UserSession[]) => sessions.map((session) => session.handle).sort();
    const handleOf = async (id: string): Promise<string> => {
      const own = (await listedBy(id)).find((session) => session.current);
      if (!own) throw new Error('a session is not in its own listing');
      return own.handle;
    };

    context.it(
      'setUser() binds the session in its record; the session lists itself, marked current',
      async () => {
        const user = newUser();
        const before = Date.now();
        const id = await signIn(user, 'Firefox on Linux');
        const fields = await stored(id);
        strictEqual(fields?.[USER_FIELD], JSON.stringify(user), 'the record holds the binding');
        strictEqual(fields?.[DEVICE_FIELD], JSON.stringify('Firefox on Linux'));
        ok(fields?.[SINCE_FIELD] !== undefined, 'the record holds when it was signed in');

        const [own, ...others] = await listedBy(id);
        deepStrictEqual(others, []);
        ok(own);
        strictEqual(own.current, true);
        strictEqual(own.device, 'Firefox on Linux');
        ok(/^[A-Za-z0-9_-]{32}$/.test(own.handle), `an opaque handle: ${own.handle}`);
        ok(!own.handle.includes(id.slice(0, 16)) && !sessionKeyOf(id).includes(own.handle.slice(0, 16)));
        ok(own.createdAt.getTime() >= before - 1000 && own.createdAt <= own.lastSeenAt);
        ok(own.lastSeenAt.getTime() <= Date.now() && own.expiresAt.getTime() > Date.now());

        const [seen, ...more] = await requests.manager.listUser(user);
        deepStrictEqual(more, []);
        deepStrictEqual(
          [seen?.handle, seen?.device, seen?.createdAt, seen?.current],
          [own.handle, own.device, own.createdAt, false],
          "the manager lists it too, as nobody's current one",
        );
      },
    );

    context.it("lists exactly the user's live sessions: not another user's, not unbound ones", async () => {
      const [user, other] = [newUser(), newUser()];
      const ids = [await signIn(user, 'one'), await signIn(user, 'two'), await signIn(user, 'three')];
      await signIn(other, 'elsewhere');
      await requests.storedSession({ cart: [2] });
      const listed = await requests.manager.listUser(user);
      strictEqual(listed.length, 3);
      deepStrictEqual(listed.map((session) => session.device).sort(), ['one', 'three', 'two']);
      deepStrictEqual(handles(listed), (await Promise.all(ids.map(handleOf))).sort());
      deepStrictEqual(await requests.manager.listUser(newUser()), [], 'a user without sessions has none');
    });

    context.it('revokeSession(handle) ends that session only: its record is gone', async () => {
      const user = newUser();
      const [mine, lost, kept] = [
        await signIn(user, 'mine'),
        await signIn(user, 'lost'),
        await signIn(user, 'kept'),
      ];
      const request = await requests.open(mine);
      strictEqual(await request.session.revokeSession(await handleOf(lost)), true);
      strictEqual(
        await request.session.revokeSession('A'.repeat(32)),
        false,
        'an unknown handle ends nothing',
      );
      await requests.finish(request);
      strictEqual(await stored(lost), undefined, 'the revoked session holds nothing');
      ok((await stored(kept)) !== undefined && (await stored(mine)) !== undefined);
      strictEqual((await requests.open(lost)).session.id, null, 'its cookie no longer resolves');
      deepStrictEqual((await listedBy(mine)).map((session) => session.device).sort(), ['kept', 'mine']);
    });

    context.it("revokeSession() of another user's handle ends nothing", async () => {
      const [user, other] = [newUser(), newUser()];
      const mine = await signIn(user, 'mine');
      const theirs = await signIn(other, 'theirs');
      const request = await requests.open(mine);
      strictEqual(await request.session.revokeSession(await handleOf(theirs)), false);
      await requests.finish(request);
      ok((await stored(theirs)) !== undefined);
    });

    context.it('revokeOtherSessions() ends every other session of the user and keeps this one', async () => {
      const user = newUser();
      const mine = await signIn(user, 'mine');
      const others = [await signIn(user, 'a'), await signIn(user, 'b'), await signIn(user, 'c')];
      const request = await requests.open(mine);
      strictEqual(await request.session.revokeOtherSessions(), 3);
      deepStrictEqual(await requests.finish(request), { kind: 'none' }, 'this session goes on untouched');
      for (const id of others) strictEqual(await stored(id), undefined);
      const listed = await listedBy(mine);
      deepStrictEqual(
        listed.map((session) => [session.device, session.current]),
        [['mine', true]],
      );
    });

    context.it(
      'revokeSession() of the current handle, and revokeAllSessions(), end this session as destroy() does',
      async () => {
        const user = newUser();
        const [first, second, third] = [
          await signIn(user, '1'),
          await signIn(user, '2'),
          await signIn(user, '3'),
        ];
        const request = await requests.open(first);
        strictEqual(await request.session.revokeSession(await handleOf(first)), true);
        deepStrictEqual(await requests.finish(request), { kind: 'expire' });
        strictEqual(await stored(first), undefined);

        const all = await requests.open(second);
        strictEqual(await all.session.revokeAllSessions(), 2);
        deepStrictEqual(await requests.finish(all), { kind: 'expire' });
        strictEqual(await stored(second), undefined);
        strictEqual(await stored(third), undefined);
        deepStrictEqual(await requests.manager.listUser(user), []);
      },
    );

    context.it('revokeUser(userId) ends every session of the user, without a request', async () => {
      const [user, other] = [newUser(), newUser()];
      const ids = [await signIn(user, 'a'), await signIn(user, 'b')];
      const untouched = await signIn(other, 'c');
      strictEqual(await requests.manager.revokeUser(user), 2);
      for (const id of ids) {
        strictEqual(await stored(id), undefined);
        strictEqual((await requests.open(id)).session.id, null);
      }
      ok((await stored(untouched)) !== undefined, "another user's session stays");
      strictEqual(await requests.manager.revokeUser(user), 0);
    });

    context.it(
      'a revoked session stays dead with requests of it in flight (a write, a regenerate)',
      async () => {
        const user = newUser();
        const [mine, revoked] = [await signIn(user, 'mine'), await signIn(user, 'revoked')];
        // Loaded before the revocation, finished after it.
        const writing = await requests.open(revoked);
        const regenerating = await requests.open(revoked);
        ok(writing.session.getUser() === user && regenerating.session.getUser() === user);

        const request = await requests.open(mine);
        strictEqual(await request.session.revokeOtherSessions(), 1);
        await requests.finish(request);

        writing.session.set('cart', [1, 2, 3]);
        deepStrictEqual(await requests.finish(writing), { kind: 'none' }, 'no cookie for a revoked session');
        const newId = regenerating.session.regenerate();
        regenerating.session.set('cart', [4]);
        deepStrictEqual(await requests.finish(regenerating), { kind: 'none' });
        strictEqual(await stored(revoked), undefined, 'the write did not bring the record back');
        strictEqual(await stored(newId), undefined, 'the regenerate did not carry the session away');
        deepStrictEqual(
          (await listedBy(mine)).map((session) => session.device),
          ['mine'],
        );
      },
    );

    if (options.lock) {
      context.it(
        'with the lock on, a revocation does not wait for a request holding the lock, which then writes nothing',
        async () => {
          const locked = new RequestHarness(context.store(), { lock: true });
          const user = newUser();
          const [mine, revoked] = [await signIn(user, 'mine', locked), await signIn(user, 'revoked', locked)];
          const holding = await locked.open(revoked);
          ok(holding.holdsLock);
          strictEqual(await locked.manager.revokeUser(user), 2, 'ended while the lock is held');
          holding.session.set('cart', [9]);
          deepStrictEqual(await locked.finish(holding), { kind: 'none' });
          strictEqual(await stored(revoked), undefined);
          strictEqual(await stored(mine), undefined);
        },
      );
    }

    context.it('regenerate() keeps the binding: the session is listed under its new handle', async () => {
      const user = newUser();
      const id = await signIn(user, 'phone');
      const oldHandle = await handleOf(id);
      const request = await requests.open(id);
      const newId = request.session.regenerate();
      await requests.finish(request);
      strictEqual(await stored(id), undefined);
      strictEqual((await stored(newId))?.[USER_FIELD], JSON.stringify(user));
      const [listed, ...more] = await listedBy(newId);
      deepStrictEqual(more, []);
      strictEqual(listed?.device, 'phone');
      notStrictEqual(listed?.handle, oldHandle);
    });

    context.it(
      'destroy() and clear() end the binding; setUser(null) ends it and keeps the session',
      async () => {
        const user = newUser();
        const [destroyed, cleared, unbound] = [
          await signIn(user, 'd'),
          await signIn(user, 'c'),
          await signIn(user, 'u'),
        ];
        const end = async (id: string, change: (session: Session) => unknown): Promise<void> => {
          const request = await requests.open(id);
          change(request.session);
          await requests.finish(request);
        };
        await end(destroyed, (session) => session.destroy());
        await end(cleared, (session) => session.clear());
        await end(unbound, (session) => session.setUser(null));
        strictEqual(await stored(destroyed), undefined);
        strictEqual((await stored(cleared))?.[USER_FIELD], undefined);
        const kept = await stored(unbound);
        strictEqual(kept?.[USER_FIELD], undefined);
        strictEqual(kept?.cart, '[1]', 'an unbound session keeps its data');
        deepStrictEqual(await requests.manager.listUser(user), []);
        const request = await requests.open(unbound);
        await rejects(
          request.session.userSessions(),
          TypeError,
          'a session bound to nobody has no user to list',
        );
        await requests.finish(request);
      },
    );

    context.it('a session bound to another user moves to that user', async () => {
      const [first, second] = [newUser(), newUser()];
      const id = await signIn(first, 'shared');
      const request = await requests.open(id);
      request.session.setUser(second);
      await requests.finish(request);
      deepStrictEqual(await requests.manager.listUser(first), []);
      deepStrictEqual(
        (await requests.manager.listUser(second)).map((session) => session.device),
        ['shared'],
      );
    });

    context.it('an expired session drops out of the listing at once, without a sweep', async () => {
      const user = newUser();
      const key = newKey();
      const live = newKey();
      const bound = { [USER_FIELD]: JSON.stringify(user), cart: '[1]' };
      await context.store().create(key, bound, { ttlSeconds: 1 });
      await context.store().create(live, bound, LONG);
      await sleep(1000 + (options.expiryGraceMs ?? 1500));
      const records = await listRecords(context.store(), user);
      ok(!records.some((record) => record.key === key), 'the store leaves the expired record out');
      ok(records.some((record) => record.key === live));
      strictEqual((await requests.manager.listUser(user)).length, 1);
    });

    context.it(
      'with encryption at rest: found by a keyed copy of the binding, across a rotation of secrets',
      async () => {
        const [oldSecret, newSecret] = [
          'an-old-secret-of-the-compliance-suite',
          'a-new-secret-of-the-compliance-suite',
        ];
        const before = new RequestHarness(encryptStore(context.store(), [oldSecret], QUIET));
        const user = newUser();
        const id = await signIn(user, 'Safari on iOS', before);
        const fields = await stored(id);
        ok(fields?.[USER_FIELD] !== undefined, 'the store holds a copy of the binding to index');
        ok(!JSON.stringify(fields).includes(user), 'which does not name the user');
        ok(!JSON.stringify(fields).includes('Safari on iOS'), 'and everything else is sealed');
        // A record given the user's copy by hand, without the sealed binding: never listed.
        await context.store().create(newKey(), { [USER_FIELD]: fields[USER_FIELD]! }, LONG);

        const after = new RequestHarness(encryptStore(context.store(), [newSecret, oldSecret], QUIET));
        const second = await signIn(user, 'Firefox on Android', after);
        const listed = await listedBy(second, after);
        deepStrictEqual(listed.map((session) => [session.device, session.current]).sort(), [
          ['Firefox on Android', true],
          ['Safari on iOS', false],
        ]);
        strictEqual(await after.manager.revokeUser(user), 2);
        strictEqual(await stored(id), undefined);
        strictEqual(await stored(second), undefined);
      },
    );

    context.it(`${MANY} sessions of one user are listed and revoked`, async () => {
      const user = newUser();
      const fields = {
        [USER_FIELD]: JSON.stringify(user),
        [SINCE_FIELD]: JSON.stringify(Date.now()),
        [DEVICE_FIELD]: JSON.stringify('Bulk device'),
        cart: '[1,2,3]',
      };
      const keys = Array.from({ length: MANY }, newKey);
      let next = 0;
      const create = async (): Promise<void> => {
        while (next < keys.length) await context.store().create(keys[next++]!, fields, LONG);
      };
      await Promise.all(Array.from({ length: CREATE_CONCURRENCY }, create));

      const listStarted = performance.now();
      const listed = await requests.manager.listUser(user);
      const listMs = performance.now() - listStarted;
      strictEqual(listed.length, MANY);
      const revokeStarted = performance.now();
      const revoked = await requests.manager.revokeUser(user);
      const revokeMs = performance.now() - revokeStarted;
      strictEqual(revoked, MANY);
      console.log(
        `[store compliance] ${options.name}: ${MANY} sessions of one user listed in ${listMs.toFixed(0)} ms, ` +
          `revoked in ${revokeMs.toFixed(0)} ms`,
      );
      deepStrictEqual(await requests.manager.listUser(user), []);
      for (const key of keys.filter((_, index) => index % 100 === 0)) {
        strictEqual(
          await context.backdoor.fields(key),
          undefined,
          'a revoked record is gone from the backend',
        );
      }
    });
  });
}

/** What the store itself lists for `user` (the capability's own answer, before the core's checks). */
async function listRecords(store: SessionStore, user: string): Promise<{ key: SessionKey }[]> {
  if (!supportsUserSessions(store)) throw new Error('the store lacks listUserSessions');
  return store.listUserSessions(userKeyOf(user));
}
