import type { ParseArgsConfig } from 'node:util';
import type { CliIo } from './cli-io.js';

/** The values of a command's options, as `parseArgs` returns them. */
export type CliValues = Readonly<Record<string, string | boolean | undefined>>;

/** One subcommand of `tina4-session`. */
export interface CliCommand {
  readonly name: string;
  /** One line, for the list of commands. */
  readonly summary: string;
  /** `tina4-session <name> ...`, as its help shows it. */
  readonly usage: string;
  /** What it does and prints, for its `--help`. */
  readonly description: string;
  /** Its own options, beyond {@link COMMON_OPTIONS}. */
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** The lines of its help that describe {@link options}. */
  readonly optionHelp: readonly string[];
  run(values: CliValues, io: CliIo): Promise<void>;
}

/** Options every command takes. */
export const COMMON_OPTIONS = {
  // Not `--env-file`: Node 20 reads that one even among a script's own arguments, and exits (code 9).
  dotenv: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export const COMMON_OPTION_HELP: readonly string[] = [
  '  --dotenv PATH    read settings from PATH instead of ./.env (the environment still wins)',
  '  -h, --help       show this help',
];

/** The full help of one command. */
export function commandHelp(command: CliCommand): string {
  return [
    `Usage: ${command.usage}`,
    '',
    command.description,
    '',
    'Options:',
    ...command.optionHelp,
    ...COMMON_OPTION_HELP,
    '',
  ].join('\n');
}

/** A string option's value, or `undefined`. */
export function stringOption(values: CliValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}
