import type { SessionLogger } from '@tina4/session-core';

/** A logger that keeps every line, for tests that check what the library logs (and what it must not). */
export interface CapturedLogger extends SessionLogger {
  readonly lines: { level: 'warn' | 'error'; message: string }[];
  /** Everything logged, one line per call, for "never in the logs" checks. */
  text(): string;
}

export function captureLogger(): CapturedLogger {
  const lines: CapturedLogger['lines'] = [];
  // Apps log with console-style arguments (`logger.error('[cart] failed:', error)`): keep them all.
  const record =
    (level: 'warn' | 'error') =>
    (...args: unknown[]): void => {
      lines.push({ level, message: args.map(format).join(' ') });
    };
  return {
    lines,
    warn: record('warn'),
    error: record('error'),
    text: () => lines.map((line) => `${line.level} ${line.message}`).join('\n'),
  };
}

function format(value: unknown): string {
  if (value instanceof Error) {
    const cause = value.cause === undefined ? '' : ` (cause: ${format(value.cause)})`;
    return `${value.name}: ${value.message}${cause}\n${value.stack ?? ''}`;
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}
