import { setTimeout as sleep } from 'node:timers/promises';
import { SessionLockTimeoutError } from '../errors.js';

/**
 * Retries `tryAcquire` until it succeeds or `waitMs` has passed, with a short, growing, jittered
 * pause in between. For stores whose backend offers an atomic "take if free" (an exclusive file
 * create, an insert on a primary key, `SET NX`) but no way to wait for release.
 */
export async function pollForLock(tryAcquire: () => Promise<boolean>, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  let pauseMs = 2;
  for (;;) {
    if (await tryAcquire()) return;
    const left = deadline - Date.now();
    if (left <= 0) throw new SessionLockTimeoutError(waitMs);
    await sleep(Math.min(left, pauseMs * (0.5 + Math.random())));
    pauseMs = Math.min(pauseMs * 2, 50);
  }
}
