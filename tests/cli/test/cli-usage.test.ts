import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { type CliApp, createCliApp } from './support/session-cli.js';

const COMMANDS = ['ddl', 'stats', 'purge', 'revoke'];

describe('tina4-session: help and wrong command lines', () => {
  const app: CliApp = createCliApp();
  afterAll(() => app.remove());

  it('lists its commands with --help, and exits 0', async () => {
    const { code, stdout } = await app.run(['--help']);
    expect(code).toBe(0);
    for (const command of COMMANDS) expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    expect(stdout).toContain('Exit codes: 0 done, 1 failed');
  });

  it.each(COMMANDS)('explains "%s" with --help', async (command) => {
    const { code, stdout } = await app.run([command, '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^Usage: tina4-session ${command}\\b`));
    expect(stdout).toContain('--dotenv PATH');
  });

  it('explains a command with -h and with help <command> too', async () => {
    const long = await app.run(['purge', '--help']);
    expect((await app.run(['purge', '-h'])).stdout).toBe(long.stdout);
    expect((await app.run(['help', 'purge'])).stdout).toBe(long.stdout);
  });

  it('shows the commands on stderr and exits 2 when given none', async () => {
    const { code, stdout, stderr } = await app.run([]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('Usage: tina4-session <command> [options]');
  });

  it('names an unknown command or option, and exits 2', async () => {
    const command = await app.run(['purgeall']);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain(
      'unknown command "purgeall". The commands are: ddl, stats, purge, revoke.',
    );

    const option = await app.run(['stats', '--jsn']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("stats: Unknown option '--jsn'");
    expect(option.stderr).toContain('tina4-session <command> --help');
  });

  it('asks for the user of revoke, and exits 2', async () => {
    const { code, stderr } = await app.run(['revoke']);
    expect(code).toBe(2);
    expect(stderr).toContain('revoke needs --user ID');
  });

  it('prints its version', async () => {
    const { code, stdout } = await app.run(['--version']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^@tina4\/session-core \d+\.\d+\.\d+/);
  });
});

describe('tina4-session: bad configuration', () => {
  const app: CliApp = createCliApp();
  mkdirSync(join(app.directory, 'sessions'));
  afterAll(() => app.remove());

  it('names a bad variable from the environment and its allowed values, and exits 1', async () => {
    const { code, stderr } = await app.run(['stats'], { TINA4_SESSION_TTL: 'an hour' });
    expect(code).toBe(1);
    expect(stderr).toContain('TINA4_SESSION_TTL="an hour" is not valid. Use a whole number of seconds');
  });

  it("reads the app's .env like the app, and names a bad value found there", async () => {
    app.writeEnvFile('TINA4_SESSION_BACKEND=postgres\n');
    try {
      const { code, stderr } = await app.run(['stats']);
      expect(code).toBe(1);
      expect(stderr).toMatch(
        /TINA4_SESSION_BACKEND="postgres" is not valid.*file, memory, redis, valkey, mongodb, database/,
      );
    } finally {
      app.writeEnvFile('');
    }
  });

  it('warns about a misspelt variable with the closest real one', async () => {
    const { code, stderr } = await app.run(['stats'], { TINA4_SESSION_PAHT: 'sessions' });
    expect(code).toBe(0);
    expect(stderr).toContain(
      'TINA4_SESSION_PAHT is not a setting of Tina4 Sessions and is ignored. Did you mean TINA4_SESSION_PATH?',
    );
  });

  it('refuses the memory store, whose sessions live inside the app, and exits 1', async () => {
    for (const command of ['stats', 'purge']) {
      const { code, stderr } = await app.run([command], { TINA4_SESSION_BACKEND: 'memory' });
      expect(code).toBe(1);
      expect(stderr).toContain("TINA4_SESSION_BACKEND=memory keeps sessions inside the app's own process");
    }
  });

  it('points at a file store directory that does not exist rather than creating it', async () => {
    const { code, stderr } = await app.run(['stats'], { TINA4_SESSION_PATH: 'no-such-dir' });
    expect(code).toBe(1);
    expect(stderr).toContain(
      `the file store's directory ${join(app.directory, 'no-such-dir')} does not exist`,
    );
    expect(stderr).toContain('set TINA4_SESSION_PATH');
  });

  it('reads another .env with --dotenv, and names one that is missing', async () => {
    writeFileSync(join(app.directory, 'prod.env'), 'TINA4_SESSION_TTL=0\n');
    const bad = await app.run(['stats', '--dotenv', 'prod.env']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('TINA4_SESSION_TTL="0" is not valid');

    const missing = await app.run(['stats', '--dotenv', 'staging.env']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('--dotenv staging.env: there is no such file');
  });

  it('says there is no DDL for a store without tables, with exit code 0 and nothing on stdout', async () => {
    const { code, stdout, stderr } = await app.run(['ddl'], { TINA4_SESSION_BACKEND: 'redis' });
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      'TINA4_SESSION_BACKEND=redis: the redis store keeps no SQL tables, so there is no DDL to print.',
    );

    const hinted = await app.run(['ddl'], { DATABASE_URL: 'postgres://app@db/app' });
    expect(hinted.code).toBe(0);
    expect(hinted.stderr).toContain(
      'DATABASE_URL is set: to keep sessions in that database, set TINA4_SESSION_BACKEND=database',
    );
  });

  it('asks for DATABASE_URL, or names an unsupported one, for the database store', async () => {
    const missing = await app.run(['ddl'], { TINA4_SESSION_BACKEND: 'database' });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('set DATABASE_URL or TINA4_DATABASE_URL');

    const oracle = await app.run(['ddl'], {
      TINA4_SESSION_BACKEND: 'database',
      DATABASE_URL: 'oracle://scott:tiger@db/app',
    });
    expect(oracle.code).toBe(1);
    expect(oracle.stderr).toContain('DATABASE_URL "oracle://scott:***@db/app" has an unsupported scheme');
    expect(oracle.stderr).not.toContain('tiger');
  });
});
