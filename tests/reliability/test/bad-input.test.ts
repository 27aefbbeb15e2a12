import { afterAll, describe, expect, it } from '@jest/globals';
import { sessionKeyOf } from '@tina4/session-core';
import { ADAPTERS, startTinyApp, type TinyApp } from './support/apps.js';
import { captureLogger } from './support/capture-logger.js';
import { printFigures } from './support/figures.js';
import {
  cookieSetBy,
  idOf,
  newSession,
  readSession,
  SESSION_COOKIE,
  tally,
  writeUrl,
} from './support/http.js';
import { forgedId, seededRandom } from './support/random.js';
import { availableStores, disposeAll, type StoreTarget } from './support/stores.js';

/**
 * Bad input that reaches the session itself, on every store: forged ids of the right shape, ids
 * one character away from a real one, values that are not JSON and data over
 * `TINA4_SESSION_MAX_BYTES`. Nothing forged is adopted; a refused write names the key (and the
 * size and the limit) and changes nothing that is stored.
 */

const FORGED_PER_STORE = 200;
const MAX_BYTES = 4096;
const NOT_JSON = ['date', 'map', 'set', 'bigint', 'function', 'undefined', 'nan', 'class', 'cycle'] as const;

const random = seededRandom();
const { targets } = await availableStores();
afterAll(() => disposeAll(targets));

async function appOn(target: StoreTarget, adapter: (typeof ADAPTERS)[number] = 'express'): Promise<TinyApp> {
  return startTinyApp(adapter, await target.options({ env: { TINA4_SESSION_MAX_BYTES: String(MAX_BYTES) } }));
}

describe.each(targets.map((target) => [target.name, target] as const))(
  'bad input on the %s store',
  (name, target) => {
    it(`never adopts any of ${FORGED_PER_STORE} forged ids of the right shape, not even on a write`, async () => {
      const app = await appOn(target);
      const problems: string[] = [];
      const statuses: number[] = [];
      try {
        for (let i = 0; i < FORGED_PER_STORE; i++) {
          const forged = forgedId(random);
          const cookie = `${SESSION_COOKIE}=${forged}`;
          const writes = i % 2 === 1;
          const response = writes
            ? await fetch(writeUrl(app.url, 'k', i), { method: 'POST', headers: { cookie } })
            : await fetch(`${app.url}/read`, { headers: { cookie } });
          statuses.push(response.status);
          const body = (await response.json()) as { data?: Record<string, unknown> };
          const issued = cookieSetBy(response);
          if (!writes && JSON.stringify(body.data) !== '{}')
            problems.push(`read of ${forged} saw ${JSON.stringify(body)}`);
          if (writes && (issued === undefined || idOf(issued) === forged))
            problems.push(`write with ${forged} kept it`);
          if ((await target.backdoor.fields(sessionKeyOf(forged))) !== undefined)
            problems.push(`${forged} was stored`);
        }
        printFigures('bad input: forged ids of the right shape', name, {
          requests: FORGED_PER_STORE,
          statuses: tally(statuses),
          adopted: problems.length,
        });
        expect(problems).toEqual([]);
        expect(tally(statuses)).toEqual({ 200: FORGED_PER_STORE });
      } finally {
        await app.close();
      }
    });

    it('adopts no id one step away from a real one', async () => {
      const app = await appOn(target);
      try {
        const real = idOf(await newSession(app.url, 'owner', 'me'));
        const flip = (id: string, at: number): string =>
          id.slice(0, at) + (id[at] === 'A' ? 'B' : 'A') + id.slice(at + 1);
        const variants: Record<string, string> = {
          'one character changed': `${SESSION_COOKIE}=${flip(real, 0)}`,
          'last character changed': `${SESSION_COOKIE}=${flip(real, 42)}`,
          'one character more': `${SESSION_COOKIE}=${real}A`,
          'one character less': `${SESSION_COOKIE}=${real.slice(1)}`,
          'name in capitals': `${SESSION_COOKIE.toUpperCase()}=${real}`,
          'the hash of the id': `${SESSION_COOKIE}=${sessionKeyOf(real)}`,
        };
        const adopted: string[] = [];
        for (const [variant, cookie] of Object.entries(variants)) {
          const seen = await readSession(app.url, cookie);
          if (seen.owner !== undefined) adopted.push(variant);
        }
        printFigures('bad input: ids one step away from a real one', name, {
          variants: Object.keys(variants).length,
          adopted,
        });
        expect(adopted).toEqual([]);
        expect(await readSession(app.url, `${SESSION_COOKIE}=${real}`)).toEqual({ owner: 'me' });
        // A well-formed cookie planted before the real one (a sibling subdomain, a narrower path)
        // does not log the user out: each candidate is tried, the first live one is taken.
        const planted = `${SESSION_COOKIE}=${forgedId(random)}; ${SESSION_COOKIE}=${real}`;
        expect(await readSession(app.url, planted)).toEqual({ owner: 'me' });
        expect(await readSession(app.url, `${SESSION_COOKIE}="${real}"`)).toEqual({ owner: 'me' });
      } finally {
        await app.close();
      }
    });

    it(`refuses values that are not JSON and data over ${MAX_BYTES} bytes, naming the key, and changes nothing stored`, async () => {
      const app = await appOn(target);
      try {
        const cookie = await newSession(app.url, 'owner', 'me');
        await fetch(writeUrl(app.url, 'cart', [{ product_id: 1, quantity: 2 }]), {
          method: 'POST',
          headers: { cookie },
        });
        const key = sessionKeyOf(idOf(cookie));
        const storedBefore = await target.backdoor.fields(key);
        const seenBefore = await readSession(app.url, cookie);
        const messages: Record<string, string> = {};

        for (const kind of NOT_JSON) {
          const response = await fetch(`${app.url}/refuse?kind=${kind}&key=basket`, {
            method: 'POST',
            headers: { cookie },
          });
          const body = (await response.json()) as { error: string; name: string };
          expect(response.status).toBe(400);
          expect(body.name).toBe('TypeError');
          expect(body.error).toContain('key "basket"');
          messages[kind] = body.error;
        }
        const big = await fetch(`${app.url}/refuse?kind=big&key=notes&bytes=${MAX_BYTES}`, {
          method: 'POST',
          headers: { cookie },
        });
        const bigBody = (await big.json()) as { error: string; name: string };
        const size = Number(/grow to (\d+) bytes/.exec(bigBody.error)?.[1]);
        messages.big = bigBody.error;

        printFigures('bad input: refused values', name, {
          refused: NOT_JSON.length + 1,
          sample: messages.date,
          tooLarge: bigBody.error,
        });
        expect(big.status).toBe(400);
        expect(bigBody.name).toBe('SessionTooLargeError');
        expect(bigBody.error).toContain('key "notes"');
        expect(size).toBeGreaterThan(MAX_BYTES);
        expect(bigBody.error).toContain(`limit of ${MAX_BYTES} bytes`);
        expect(bigBody.error).toContain('TINA4_SESSION_MAX_BYTES');
        // Where in the value the problem is, and a way out.
        expect(messages.date).toContain('basket.when is a Date');
        expect(messages.cycle).toContain('circular reference');
        expect(messages.bigint).toContain('basket.total is a BigInt');

        expect(await target.backdoor.fields(key)).toEqual(storedBefore);
        expect(await readSession(app.url, cookie)).toEqual(seenBefore);
      } finally {
        await app.close();
      }
    });
  },
);

describe('refused values through every adapter (memory store)', () => {
  const memory = targets.find((target) => target.name === 'memory')!;

  it.each(ADAPTERS)('refuses them through %s and keeps the session as it was', async (adapter) => {
    const app = await appOn(memory, adapter);
    try {
      const cookie = await newSession(app.url, 'owner', 'me');
      const stored = await memory.backdoor.fields(sessionKeyOf(idOf(cookie)));
      const statuses: number[] = [];
      for (const kind of [...NOT_JSON, 'big']) {
        const response = await fetch(`${app.url}/refuse?kind=${kind}&key=basket&bytes=${MAX_BYTES * 2}`, {
          method: 'POST',
          headers: { cookie },
        });
        statuses.push(response.status);
        expect(((await response.json()) as { error: string }).error).toContain('key "basket"');
        // A refused write sends no new cookie: nothing about the session changed.
        expect(cookieSetBy(response)).toBeUndefined();
      }
      printFigures('bad input: refused values', `memory via ${adapter}`, { statuses: tally(statuses) });
      expect(tally(statuses)).toEqual({ 400: NOT_JSON.length + 1 });
      expect(await memory.backdoor.fields(sessionKeyOf(idOf(cookie)))).toEqual(stored);
    } finally {
      await app.close();
    }
  });

  it('keeps a session usable when parallel writes merge past the limit', async () => {
    // Each request checks the limit against the session as it loaded it; change sets of parallel
    // requests merge in the store, so their sum can pass the limit. The session must stay usable.
    const logger = captureLogger();
    const app = await startTinyApp(
      'express',
      await memory.options({ logger, env: { TINA4_SESSION_MAX_BYTES: String(MAX_BYTES) } }),
    );
    try {
      const cookie = await newSession(app.url, 'owner', 'me');
      const chunk = 'y'.repeat(Math.floor(MAX_BYTES * 0.6));
      const statuses = await Promise.all(
        // The pause holds each answer (and so its commit) until both requests have loaded the session.
        ['a', 'b'].map(
          async (key) =>
            (
              await fetch(`${writeUrl(app.url, key, chunk)}&delayMs=100`, {
                method: 'POST',
                headers: { cookie },
              })
            ).status,
        ),
      );
      const stored = (await memory.backdoor.fields(sessionKeyOf(idOf(cookie)))) ?? {};
      const storedBytes = Object.entries(stored).reduce(
        (sum, [field, text]) => sum + field.length + text.length,
        0,
      );
      const read = await fetch(`${app.url}/read`, { headers: { cookie } });
      const shrink = await fetch(`${app.url}/refuse?kind=plain&key=a`, {
        method: 'POST',
        headers: { cookie },
      });
      printFigures('bad input: parallel writes past the size limit', 'memory', {
        statuses: tally(statuses),
        storedBytes,
        limit: MAX_BYTES,
        readStatus: read.status,
        overwriteStatus: shrink.status,
      });
      expect(statuses).toEqual([200, 200]);
      expect(read.status).toBe(200);
      // Replacing a big value by a small one brings the session back under the limit.
      expect(shrink.status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
