/**
 * One app process of the two-process near cache test (see redis-near-cache-processes.test.ts): a
 * near-cached store on a server, driven by its parent over IPC. It reports when invalidations of
 * the keys it watches arrive, on its own clock (comparable across processes of one machine).
 */
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { createRedisStore } from '../../src/index.js';
import { countRoundTrips } from './near-cache-probes.js';
import type { PeerReply, PeerRequest } from './peer-messages.js';

const now = (): number => performance.timeOrigin + performance.now();
const send = (message: PeerReply): void => {
  process.send!(message);
};

const client = new Redis(process.env.PEER_REDIS_URL!);
const trips = countRoundTrips(client);
const watched = new Set<string>();
const store = createRedisStore({
  client,
  prefix: process.env.PEER_PREFIX!,
  closeClient: true,
  nearCache: {
    onEvent(event) {
      if (event.type !== 'invalidated') return;
      const at = now();
      for (const key of event.keys) {
        if (watched.delete(key)) send({ invalidated: key, at });
      }
    },
  },
});
await store.ping!();

process.on('message', (request: PeerRequest) => {
  void handle(request).then(
    (reply) => send({ id: request.id, ...reply }),
    (error: unknown) => send({ id: request.id, error: String(error) }),
  );
});
send({ ready: true });

async function handle(request: PeerRequest): Promise<Omit<PeerReply & { id: number }, 'id'>> {
  const ttl = { ttlSeconds: 60 };
  switch (request.op) {
    case 'create':
      return { result: await store.create(request.key, request.fields!, ttl) };
    case 'update': {
      const sentAt = now();
      const result = await store.update(
        request.key,
        { replace: false, set: request.fields!, delete: [] },
        ttl,
      );
      return { result, sentAt, repliedAt: now() };
    }
    case 'read': {
      let fields: Record<string, string> | undefined;
      const roundTrips = await trips.during(async () => {
        fields = (await store.read(request.key))?.fields;
      });
      return { result: fields === undefined ? null : { ...fields }, roundTrips };
    }
    case 'destroy':
      await store.destroy(request.key);
      return { result: true };
    case 'watch':
      watched.add(request.key);
      return { result: true };
    case 'close':
      await store.close();
      setImmediate(() => process.exit(0));
      return { result: true };
  }
}
