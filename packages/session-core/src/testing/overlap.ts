import { deepStrictEqual, notStrictEqual, ok, rejects, strictEqual } from 'node:assert/strict';
import { generateSessionId, sessionKeyOf } from '../session/session-id.js';
import { assertFields, type SuiteContext } from './fixtures.js';
import { instrument, RequestHarness } from './request-harness.js';

/**
 * What the contract's guarantees mean when requests of one browser overlap, driven through the
 * core on the store under test: a destroyed or retired id stays dead, `regenerate()` moves the
 * session as it is stored at that moment, a request that stores nothing sends no cookie, a failed
 * commit keeps its changes, a forged id costs one read. Each step's order is set by the test.
 */
export function describeOverlappingRequests(context: SuiteContext): void {
  const stored = async (id: string): Promise<Record<string, string> | undefined> =>
    context.backdoor.fields(sessionKeyOf(id));
  const json = (data: Record<string, unknown>): Record<string, string> =>
    Object.fromEntries(Object.entries(data).map(([key, value]) => [key, JSON.stringify(value)]));

  context.runner.describe('overlapping requests (through the core)', () => {
    let requests: RequestHarness;
    context.runner.beforeAll(() => {
      requests = new RequestHarness(context.store());
    });

    context.it(
      '1. a write of a slower request does not bring back a session another request destroyed',
      async () => {
        const id = await requests.storedSession({ user: 'alice' });
        const slow = await requests.open(id);
        const logout = await requests.open(id);
        logout.session.destroy();
        deepStrictEqual(await requests.finish(logout), { kind: 'expire' });
        slow.session.set('cart', [1]);
        deepStrictEqual(await requests.finish(slow), { kind: 'none' }, 'the slow request sends no cookie');
        strictEqual(await stored(id), undefined, 'the destroyed id holds nothing');
        const after = await requests.open(id);
        strictEqual(after.session.id, null, 'the destroyed id does not resolve');
      },
    );

    context.it(
      '2. a write of a slower request does not bring back an id another request regenerated',
      async () => {
        const id = await requests.storedSession({ user: 'alice' });
        const slow = await requests.open(id);
        const login = await requests.open(id);
        const newId = login.session.regenerate();
        login.session.set('role', 'admin');
        deepStrictEqual(await requests.finish(login), { kind: 'live', id: newId });
        slow.session.set('cart', [1]);
        deepStrictEqual(await requests.finish(slow), { kind: 'none' });
        strictEqual(await stored(id), undefined, 'the retired id holds nothing');
        assertFields(await stored(newId), json({ user: 'alice', role: 'admin' }), 'the new id');
      },
    );

    context.it('3a. regenerate() after another request destroyed the session logs nobody in', async () => {
      const id = await requests.storedSession({ user: 'alice' });
      const login = await requests.open(id);
      const logout = await requests.open(id);
      logout.session.destroy();
      await requests.finish(logout);
      const newId = login.session.regenerate();
      login.session.set('user_id', 42);
      deepStrictEqual(await requests.finish(login), { kind: 'none' });
      strictEqual(await stored(newId), undefined, 'nothing is created under the new id');
      strictEqual(await stored(id), undefined);
    });

    context.it(
      '3b. regenerate() moves the session as stored now: a downgrade made meanwhile stays',
      async () => {
        const id = await requests.storedSession({ user: 'alice', role: 'admin' });
        const login = await requests.open(id);
        const downgrade = await requests.open(id);
        downgrade.session.set('role', 'user');
        await requests.finish(downgrade);
        const newId = login.session.regenerate();
        login.session.set('user_id', 42);
        deepStrictEqual(await requests.finish(login), { kind: 'live', id: newId });
        assertFields(await stored(newId), json({ user: 'alice', role: 'user', user_id: 42 }), 'the new id');
        strictEqual(await stored(id), undefined);
      },
    );

    context.it(
      '3c. regenerate() after another request cleared the session moves the cleared session',
      async () => {
        const id = await requests.storedSession({ user: 'alice', cart: [1, 2] });
        const login = await requests.open(id);
        const clearing = await requests.open(id);
        clearing.session.clear();
        await requests.finish(clearing);
        const newId = login.session.regenerate();
        await requests.finish(login);
        assertFields(await stored(newId), {}, 'the new id holds the cleared session');
        strictEqual(await stored(id), undefined);
      },
    );

    context.it('4. a double-submitted login leaves one live session', async () => {
      const id = await requests.storedSession({ cart: [1] });
      const first = await requests.open(id);
      const second = await requests.open(id);
      const ids = [first.session.regenerate(), second.session.regenerate()];
      first.session.set('user', 'alice');
      second.session.set('user', 'alice');
      const cookies = await Promise.all([requests.finish(first), requests.finish(second)]);
      const live = [];
      for (const newId of ids) if ((await stored(newId)) !== undefined) live.push(newId);
      strictEqual(live.length, 1, 'exactly one of the two new ids holds a session');
      strictEqual(await stored(id), undefined);
      deepStrictEqual(
        cookies.map((cookie) => cookie.kind).sort(),
        ['live', 'none'],
        'only the winner sends a cookie; the other leaves the browser alone',
      );
    });

    context.it('5a. regenerate() on a session with no data stores nothing and sends no cookie', async () => {
      const visitor = await requests.open();
      const newId = visitor.session.regenerate();
      deepStrictEqual(await requests.finish(visitor), { kind: 'none' });
      strictEqual(await stored(newId), undefined);
    });

    context.it('5b. set() then delete() of the same key in a new session stores nothing', async () => {
      const visitor = await requests.open();
      visitor.session.set('draft', 'x');
      const id = visitor.session.id;
      ok(id !== null);
      visitor.session.delete('draft');
      deepStrictEqual(await requests.finish(visitor), { kind: 'none' });
      strictEqual(await stored(id), undefined);
    });

    context.it(
      '6. getSessionId() after destroy() is null and creates nothing; before, it stores the session',
      async () => {
        const id = await requests.storedSession({ user: 'alice' });
        const logout = await requests.open(id);
        logout.session.destroy();
        strictEqual(logout.session.getSessionId(), null);
        strictEqual(logout.session.id, null);
        deepStrictEqual(await requests.finish(logout), { kind: 'expire' });
        strictEqual(await stored(id), undefined);

        const visitor = await requests.open();
        strictEqual(visitor.session.id, null, 'reading the id creates nothing');
        const handedOut = visitor.session.getSessionId();
        ok(handedOut !== null);
        deepStrictEqual(await requests.finish(visitor), { kind: 'live', id: handedOut });
        assertFields(await stored(handedOut), {}, 'a handed-out id is stored, so that it stays valid');
      },
    );

    context.it('7. a commit that fails keeps its changes: the next save() writes them', async () => {
      const faulty = instrument(context.store());
      const flaky = new RequestHarness(faulty.store);
      const id = await flaky.storedSession({ user: 'alice' });
      const request = await flaky.open(id);
      request.session.set('cart', [1, 2]);
      faulty.failNext('update');
      await rejects(request.session.save(), { code: 'E_SESSION_STORE_UNAVAILABLE' });
      request.session.set('note', 'after the failure');
      deepStrictEqual(await flaky.finish(request), { kind: 'live', id });
      assertFields(
        await stored(id),
        json({ user: 'alice', cart: [1, 2], note: 'after the failure' }),
        'the session',
      );
    });

    context.it(
      '7b. a regenerate whose commit fails keeps the old session and moves it on the next save()',
      async () => {
        const faulty = instrument(context.store());
        const flaky = new RequestHarness(faulty.store);
        const id = await flaky.storedSession({ user: 'alice' });
        const request = await flaky.open(id);
        const newId = request.session.regenerate();
        faulty.failNext('move');
        await rejects(request.session.save(), { code: 'E_SESSION_STORE_UNAVAILABLE' });
        assertFields(await stored(id), json({ user: 'alice' }), 'the old session is still there');
        deepStrictEqual(await flaky.finish(request), { kind: 'live', id: newId });
        assertFields(await stored(newId), json({ user: 'alice' }), 'the new id');
        strictEqual(await stored(id), undefined);
      },
    );

    context.it('8. with the lock on, a forged id costs one read and no write', async () => {
      const counted = instrument(context.store());
      const locked = new RequestHarness(counted.store, { lock: true });
      const forged = generateSessionId();
      const request = await locked.open(forged);
      strictEqual(request.session.id, null, 'the forged id is not adopted');
      deepStrictEqual(await locked.finish(request), { kind: 'none' });
      strictEqual(counted.calls.read, 1, 'one read');
      strictEqual(counted.writes(), 0, 'no write, no lock');
      strictEqual(await stored(forged), undefined);
    });

    context.it('a new id from regenerate() is never the old one', async () => {
      const id = await requests.storedSession({ a: 1 });
      const request = await requests.open(id);
      notStrictEqual(request.session.regenerate(), id);
      await requests.finish(request);
    });

    if (!context.options.lock) return;
    context.it(
      '9. with the lock on, unlock() lets the next request of the session in before the response ends',
      async () => {
        const locked = new RequestHarness(context.store(), { lock: true });
        const id = await locked.storedSession({ user: 'alice' });
        const streaming = await locked.open(id);
        ok(streaming.holdsLock, 'the first request holds the lock');
        streaming.session.set('streamed', true);
        await streaming.session.unlock();
        const startedAt = Date.now();
        const next = await locked.open(id);
        ok(Date.now() - startedAt < 1000, 'the next request did not wait for the first to end');
        assertFields(
          await stored(id),
          json({ user: 'alice', streamed: true }),
          'unlock() saved the changes before letting the next request in',
        );
        await locked.finish(next);
        await locked.finish(streaming);
      },
    );
  });
}
