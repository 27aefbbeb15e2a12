#!/usr/bin/env node
/**
 * The `tina4-session` command (package.json `bin`). Everything is in `runCli`; this file only
 * connects it to the process.
 */
import { runCli } from './run-cli.js';

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
// Stores are closed by now. Should a driver still hold the event loop (a reconnect timer of a
// client whose server vanished), the command ends anyway rather than hang; unref'd, this timer never
// delays an exit that happens on its own.
setTimeout(() => process.exit(), 2000).unref();
