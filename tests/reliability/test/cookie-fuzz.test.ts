import { afterAll, describe, expect, it } from '@jest/globals';
import { isWellFormedSessionId } from '@tina4/session-core';
import { ADAPTERS, startTinyApp } from './support/apps.js';
import { captureLogger } from './support/capture-logger.js';
import { type CookieCase, clientCanSend, generateCookieCases } from './support/cookie-cases.js';
import { printFigures } from './support/figures.js';
import { idOf, newSession, readSession, SESSION_COOKIE, tally } from './support/http.js';
import { seededRandom } from './support/random.js';
import { createSender, type RawAnswer, sendRaw } from './support/raw-http.js';
import { memoryTarget } from './support/stores.js';

/**
 * Garbage `Cookie` headers through every adapter: at least 10,000 generated headers (oversized,
 * duplicated names, bad percent-encodings, control characters, CR/LF, thousands of cookies, ids of
 * every wrong shape and forged ids of the right one). Never a 5xx, never a dropped connection,
 * never a crash; a forged id is never adopted, not even by a request that writes.
 */

const CASES = Number(process.env.RELIABILITY_FUZZ_CASES) || 10_000;
const PARALLEL = 8;
/** One request in ten writes, so that a forged id also meets the commit path. */
const WRITE_SHARE = 0.1;

const random = seededRandom();
const cases = generateCookieCases(random, CASES);
const target = memoryTarget();
afterAll(() => target.dispose());

describe(`${CASES} generated Cookie headers (seed ${random.seed})`, () => {
  it.each(ADAPTERS)('never get a 5xx or adopt a forged id through %s', async (adapter) => {
    const logger = captureLogger();
    const app = await startTinyApp(adapter, await target.options({ logger }));
    const sender = createSender(app.url);
    const failures: string[] = [];
    const statuses: RawAnswer['status'][] = [];
    let raw = 0;
    let issued = 0;
    try {
      const real = await newSession(app.url, 'owner', 'me');

      const check = async (fuzz: CookieCase, index: number): Promise<void> => {
        const writes = index % Math.round(1 / WRITE_SHARE) === 0;
        const [method, path] = writes ? ['POST', '/write?key=fuzz&value=1'] : ['GET', '/read'];
        // Headers over Node's 16 KiB limit go on a connection of their own: Fastify answers them 431
        // without `Connection: close` and then drops the connection, so a kept-alive client that
        // reused it would see the *next* request fail (a client-side artefact, not a server error).
        const viaRaw = !clientCanSend(fuzz.bytes) || fuzz.bytes.length > 12_000;
        if (viaRaw) raw++;
        const answer = viaRaw
          ? await sendRaw(app.url, method, path, fuzz.bytes)
          : await sender.send(method, path, fuzz.bytes);
        statuses.push(answer.status);
        const problem = judge(fuzz, writes, answer);
        if (answer.setCookies.some((header) => header.startsWith(`${SESSION_COOKIE}=`))) issued++;
        if (problem) {
          failures.push(
            `#${index} ${fuzz.kind} ${method} -> ${answer.status}: ${problem}; cookie bytes ${preview(fuzz.bytes)}`,
          );
        }
      };

      let next = 0;
      await Promise.all(
        Array.from({ length: PARALLEL }, async () => {
          while (next < cases.length) {
            const index = next++;
            await check(cases[index]!, index);
          }
        }),
      );

      // Still serving, and the real session is intact.
      expect(await readSession(app.url, real)).toEqual({ owner: 'me' });
      printFigures('bad input: cookie fuzz', `memory via ${adapter}`, {
        cases: cases.length,
        seed: random.seed,
        viaRawSocket: raw,
        statuses: tally(statuses),
        sessionsIssued: issued,
        kinds: tally(cases.map((fuzz) => fuzz.kind)),
        failures: failures.length,
      });
      expect(failures.slice(0, 20)).toEqual([]);
      expect(logger.lines).toEqual([]);
    } finally {
      sender.close();
      await app.close();
    }
  });
});

/** What is wrong with an answer, or undefined when it is acceptable. */
function judge(fuzz: CookieCase, writes: boolean, answer: RawAnswer): string | undefined {
  if (answer.status === 'no-response') return `the connection closed without an answer (${answer.body})`;
  if (answer.status >= 500) return `server error ${answer.body.slice(0, 200)}`;
  if (answer.status !== 200) {
    // Only the HTTP parser may refuse a header (400, 431); the app itself accepts any cookie.
    return answer.status === 400 || answer.status === 431 ? undefined : `unexpected status ${answer.status}`;
  }
  const sessionCookies = answer.setCookies.filter((header) => header.startsWith(`${SESSION_COOKIE}=`));
  if (!writes) {
    if (answer.body.includes('"owner"')) return 'a session that is not this client’s was adopted';
    if (sessionCookies.length > 0) return 'a read-only request got a session cookie';
    return undefined;
  }
  if (sessionCookies.length !== 1) return `a write got ${sessionCookies.length} session cookies`;
  const id = idOf(sessionCookies[0]!.split(';', 1)[0]!);
  if (!isWellFormedSessionId(id)) return `the new id ${id} is not well-formed`;
  if (fuzz.bytes.includes(Buffer.from(id, 'latin1'))) return 'the forged id from the request was adopted';
  return undefined;
}

function preview(bytes: Buffer): string {
  const text = JSON.stringify(bytes.subarray(0, 120).toString('latin1'));
  return bytes.length > 120 ? `${text}... (${bytes.length} bytes)` : text;
}
