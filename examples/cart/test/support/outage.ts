import { onPath, type PrivateServer, skipOrFail, startRedisLike } from '@tina4/test-servers';
import { startTestApp, type TestApp } from './test-app.js';

/** The cart on a Redis server of its own, which the test may stop and start: a real outage. */
export interface CartOnPrivateRedis {
  readonly app: TestApp;
  readonly redis: PrivateServer;
  close(): Promise<void>;
}

/**
 * Whether a private Redis can be started here; when it cannot, says why (printed, or a failure
 * when `TINA4_TEST_REQUIRE` lists redis, as `.ci/run` does).
 */
export function privateRedisMissing(): string | undefined {
  if (onPath('redis-server')) return undefined;
  const reason = 'there is no redis-server on the PATH to stage an outage with';
  skipOrFail('redis', reason);
  return reason;
}

/** Starts a private redis-server and the cart on it (a short store deadline, so the test is quick). */
export async function startCartOnPrivateRedis(): Promise<CartOnPrivateRedis> {
  const redis = await startRedisLike('redis');
  try {
    const app = await startTestApp({
      env: { TINA4_SESSION_URL: redis.url, TINA4_SESSION_STORE_TIMEOUT: '500' },
      session: { backend: 'redis' },
    });
    return {
      app,
      redis,
      async close() {
        await app.close();
        await redis.dispose();
      },
    };
  } catch (error) {
    await redis.dispose();
    throw error;
  }
}
