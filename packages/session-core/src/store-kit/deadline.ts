/**
 * `work`, or a rejection once `ms` have passed without it settling. Bounds a store operation
 * whatever the client's own queueing and retry settings, so that an unreachable or hung server
 * costs a request a prompt 503 rather than a hang. The operation itself is not cancelled: stores
 * that can also cancel it on the server (statement timeouts, `maxTimeMS`) do so themselves.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
