/**
 * `work`, or a rejection once `ms` have passed without it settling. Bounds a store operation
 * whatever the client's own queueing and retry settings, so that an unreachable or hung server
 * costs a request a prompt 503 rather than a hang. The operation itself is not cancelled: stores
 * that can also cancel it on the server (statement timeouts, `maxTimeMS`) do so themselves.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  // One promise and one timer, settled by whichever comes first (this runs on every store call:
  // `Promise.race` with `finally` made three promises).
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
    // Promise.resolve: a store that breaks its contract with a plain value still settles.
    Promise.resolve(work).then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
