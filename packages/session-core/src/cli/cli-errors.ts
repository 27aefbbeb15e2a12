/**
 * The command line was wrong (an unknown command or option, a missing value): exit code 2, with a
 * pointer to the help.
 */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/**
 * The command could not do its work, for a reason the message states with its fix (a store without
 * the capability, a store that cannot be reached): exit code 1.
 */
export class CliFailure extends Error {
  override readonly name = 'CliFailure';
}

/** The message of any thrown value. */
export function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' && message !== '' ? message : String(error);
}
