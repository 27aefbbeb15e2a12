/**
 * `work`, or a rejection once `ms` have passed without it settling. Bounds every store operation
 * whatever the client's own queueing and retry settings, so that an unreachable server costs a
 * request a quick 503 rather than a hang. The operation itself is not cancelled.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
