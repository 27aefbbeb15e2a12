import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { sessionErrorCode } from '../errors.js';
import {
  type CliCommand,
  type CliValues,
  COMMON_OPTION_HELP,
  COMMON_OPTIONS,
  commandHelp,
} from './cli-command.js';
import { CliFailure, CliUsageError, messageOf } from './cli-errors.js';
import type { CliIo } from './cli-io.js';
import { ddlCommand } from './ddl-command.js';
import { purgeCommand } from './purge-command.js';
import { createRevokeCommand } from './revoke-command.js';
import { statsCommand } from './stats-command.js';

/** Exit codes: the work was done; it failed (the message says why and what to do); the command line was wrong. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

const COMMANDS: readonly CliCommand[] = [ddlCommand, statsCommand, purgeCommand, createRevokeCommand()];

/**
 * Runs `tina4-session` with `args` (the arguments after the program name) and resolves its exit
 * code. Nothing is thrown: every failure is written to `io.stderr` with what to do about it.
 * Arguments are parsed with Node's own `util.parseArgs` (strict: an unknown option is an error).
 */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  try {
    const [first, ...rest] = args;
    if (first === undefined) {
      io.stderr.write(overview());
      return EXIT_USAGE;
    }
    if (first === '--help' || first === '-h') {
      io.stdout.write(overview());
      return EXIT_OK;
    }
    if (first === '--version' || first === '-v') {
      io.stdout.write(`${version()}\n`);
      return EXIT_OK;
    }
    if (first === 'help') {
      io.stdout.write(rest[0] === undefined ? overview() : commandHelp(commandNamed(rest[0])));
      return EXIT_OK;
    }
    const command = commandNamed(first);
    const values = parseCommandArgs(command, rest);
    if (values.help) {
      io.stdout.write(commandHelp(command));
      return EXIT_OK;
    }
    await command.run(values, io);
    return EXIT_OK;
  } catch (error) {
    return reportFailure(error, io);
  }
}

function commandNamed(name: string): CliCommand {
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    const what = name.startsWith('-')
      ? `unknown option "${name}" before the command`
      : `unknown command "${name}"`;
    throw new CliUsageError(`${what}. The commands are: ${COMMANDS.map(({ name }) => name).join(', ')}.`);
  }
  return command;
}

function parseCommandArgs(command: CliCommand, args: string[]): CliValues {
  try {
    return parseArgs({
      args,
      options: { ...COMMON_OPTIONS, ...command.options },
      strict: true,
      allowPositionals: false,
    }).values as CliValues;
  } catch (error) {
    // parseArgs's own messages name the option ("Unknown option '--usr'"), with codes ERR_PARSE_ARGS_*.
    throw new CliUsageError(`${command.name}: ${messageOf(error)}`);
  }
}

function reportFailure(error: unknown, io: CliIo): number {
  if (error instanceof CliUsageError) {
    io.stderr.write(
      `tina4-session: ${error.message}\n` +
        'Run "tina4-session --help" for the commands, or "tina4-session <command> --help" for one of them.\n',
    );
    return EXIT_USAGE;
  }
  // The library's errors and the command's own say what went wrong and what to do.
  const explained = error instanceof CliFailure || sessionErrorCode(error) !== undefined;
  io.stderr.write(`tina4-session: ${explained ? '' : 'unexpected error: '}${messageOf(error)}\n`);
  return EXIT_FAILED;
}

function overview(): string {
  const width = Math.max(...COMMANDS.map(({ usage }) => commandLine(usage).length));
  return [
    'tina4-session: look after the sessions of a Tina4 Sessions app from the command line.',
    '',
    'Usage: tina4-session <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map(({ usage, summary }) => `  ${commandLine(usage).padEnd(width)}  ${summary}`),
    '',
    'Options of every command:',
    ...COMMON_OPTION_HELP,
    '',
    "Settings are the app's own: TINA4_SESSION_* and DATABASE_URL from the environment and ./.env.",
    'Exit codes: 0 done, 1 failed (the message says why and what to do), 2 wrong command line.',
    'Run "tina4-session <command> --help" for what a command does and prints.',
    '',
  ].join('\n');
}

/** `revoke --user ID` from `tina4-session revoke --user ID [--json] [options]`. */
function commandLine(usage: string): string {
  return usage
    .replace(/^tina4-session /, '')
    .replace(/ \[[^\]]*\]/g, '')
    .trim();
}

/** This package's version (the command runs from `src/cli` or `dist/cli`: the manifest is two levels up). */
function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return `@tina4/session-core ${manifest.version ?? 'unknown'}`;
}
