/**
 * Prints a test's figures (requests, statuses, keys kept, fuzz cases, ...) as one line, so that the
 * run's output can be collected into the release notes: `[reliability] <test> | <store> | k=v ...`.
 */
export function printFigures(test: string, store: string, figures: Record<string, unknown>): void {
  const parts = Object.entries(figures).map(
    ([name, value]) => `${name}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`,
  );
  // Straight to stdout: one line each, without the five lines of decoration Jest adds to console.log.
  process.stdout.write(`[reliability] ${test} | ${store} | ${parts.join(' ')}\n`);
}
