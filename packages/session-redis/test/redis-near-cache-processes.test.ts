import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sessionKeyOf } from '@tina4/session-core';
import { deleteKeysUnder, provideTestBackend, uniquePrefix } from '@tina4/test-servers';
import { Redis } from 'ioredis';
import { type Peer, startPeer } from './support/peer-process.js';

/** Writes measured for the invalidation delay. */
const WRITES = 100;

// The server's tracking is what is measured: ioredis against Redis, and against Valkey when there is one.
const backends = [
  { name: 'redis', backend: await provideTestBackend('redis') },
  { name: 'valkey', backend: await provideTestBackend('valkey') },
] as const;

const quantile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const ms = (value: number): string => `${value.toFixed(3)} ms`;

for (const { name, backend } of backends) {
  if ('skip' in backend) {
    describe.skip(`near cache across two app processes (${name})`, () => {
      it(`needs a ${name} server`, () => {});
    });
    continue;
  }
  describe(`near cache across two app processes (${name})`, () => {
    const prefix = uniquePrefix('near-cache-processes');
    const raw = new Redis(backend.url);
    let writer: Peer;
    let reader: Peer;

    beforeAll(async () => {
      [writer, reader] = await Promise.all([startPeer(backend.url, prefix), startPeer(backend.url, prefix)]);
    }, 60_000);
    afterAll(async () => {
      await Promise.all([writer?.stop(), reader?.stop()]);
      await deleteKeysUnder(prefix, { keys: raw, servers: () => [raw] });
      raw.disconnect();
      await backend.stop();
    });

    it("a write in one process is seen by the other's next read, once its invalidation arrives", async () => {
      const key = sessionKeyOf('two-processes');
      await writer.request('create', key, { n: '0' });
      expect(await reader.request('read', key)).toMatchObject({ result: { n: '0' }, roundTrips: 1 });
      expect(await reader.request('read', key)).toMatchObject({ result: { n: '0' }, roundTrips: 0 });

      const delays: number[] = [];
      const sinceSent: number[] = [];
      const writes: number[] = [];
      for (let n = 1; n <= WRITES; n++) {
        const { arrival } = await reader.watch(key);
        const write = await writer.request('update', key, { n: String(n) });
        const arrivedAt = await arrival;
        delays.push(arrivedAt - write.repliedAt!);
        sinceSent.push(arrivedAt - write.sentAt!);
        writes.push(write.repliedAt! - write.sentAt!);
        // Invalidated: the next read fetches the write, the one after is served from memory again.
        expect(await reader.request('read', key)).toMatchObject({ result: { n: String(n) }, roundTrips: 1 });
        expect(await reader.request('read', key)).toMatchObject({ result: { n: String(n) }, roundTrips: 0 });
      }

      const sorted = [...delays].sort((a, b) => a - b);
      const sortedSinceSent = [...sinceSent].sort((a, b) => a - b);
      const writeTimes = [...writes].sort((a, b) => a - b);
      console.info(
        `[figures] ${name} near cache, invalidation delay between two processes (${WRITES} writes), from the ` +
          `writer's reply to the invalidation's arrival in the other: median ${ms(quantile(sorted, 0.5))}, ` +
          `p95 ${ms(quantile(sorted, 0.95))}, max ${ms(sorted.at(-1)!)}; from the write's sending: median ` +
          `${ms(quantile(sortedSinceSent, 0.5))}; write round trip median ${ms(quantile(writeTimes, 0.5))}`,
      );
      // Generous: the invalidation is sent right after the write's reply.
      expect(quantile(sorted, 0.5)).toBeLessThan(100);

      const { arrival } = await reader.watch(key);
      await writer.request('destroy', key);
      await arrival;
      expect(await reader.request('read', key)).toMatchObject({ result: null, roundTrips: 1 });
    });
  });
}
