/** Where the command writes: `process.stdout` and `process.stderr` qualify. */
export interface CliStream {
  write(text: string): unknown;
  /** True on a terminal: progress bars are drawn only there. */
  readonly isTTY?: boolean;
  /** The terminal's width, when it is one. */
  readonly columns?: number;
}

/** The command's output: results on `stdout` (so they can be piped), messages on `stderr`. */
export interface CliIo {
  readonly stdout: CliStream;
  readonly stderr: CliStream;
}
