import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createFileStore, type SessionStore } from '@tina4/session-core';
import { CLI_COMMAND, type CliApp, createCliApp } from './support/session-cli.js';
import { type StartedSessions, startSessions } from './support/start-sessions.js';

/** The file store's record of `key` (its data model: `sess-<key>.json`). */
const sessionFile = (directory: string, key: string) => join(directory, `sess-${key}.json`);

/** Moves a session's expiry into the past, as time would: its record stays until a cleanup. */
function expire(directory: string, key: string): void {
  const path = sessionFile(directory, key);
  const record = JSON.parse(readFileSync(path, 'utf8')) as { expiresAt: number };
  writeFileSync(path, JSON.stringify({ ...record, expiresAt: Date.now() - 60_000 }));
}

describe('tina4-session on the file store', () => {
  const app: CliApp = createCliApp();
  const directory = join(app.directory, 'sessions');
  let store: SessionStore;
  let live: StartedSessions;
  let expired: StartedSessions;
  const corruptKey = 'c'.repeat(64);
  const foreignFiles = ['notes.txt', 'sess-readme.json'];

  beforeAll(async () => {
    // A relative path in the app's .env, resolved from the app's directory as the app does.
    app.writeEnvFile('TINA4_SESSION_PATH=./sessions\n');
    store = createFileStore({ directory });
    live = await startSessions(store, 3);
    expired = await startSessions(store, 2);
    for (const key of expired.keys) expire(directory, key);
    // A truncated record is a missing session to the store, and its cleanup's to remove.
    writeFileSync(sessionFile(directory, corruptKey), '{"expiresAt":');
    // Files that are not the store's own stay whatever the command does.
    for (const name of foreignFiles) writeFileSync(join(directory, name), 'not a session');
  });
  afterAll(async () => {
    await store.close();
    app.remove();
  });

  it('counts live sessions, and expired or unreadable records not yet removed', async () => {
    const { code, stdout } = await app.run(['stats']);
    expect(code).toBe(0);
    expect(stdout).toContain(`Store:    file (${directory})`);
    expect(stdout).toMatch(/^Live: {5}3$/m);
    expect(stdout).toMatch(/^Expired: {2}3 \(not yet removed/m);

    const json = await app.run(['stats', '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ store: 'file', location: directory, live: 3, expired: 3 });
  });

  it('counts the same with encryption at rest (the wrapper passes counting through)', async () => {
    const { code, stdout } = await app.run(['stats', '--json'], {
      TINA4_SESSION_SECRET: 'a secret of at least sixteen characters',
    });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ live: 3, expired: 3 });
  });

  it('purges the expired and unreadable records only, with one summary line when stdout is not a terminal', async () => {
    const { code, stdout } = await app.run(['purge']);
    expect(code).toBe(0);
    expect(stdout).toBe(`Removed 3 expired sessions from file (${directory}).\n`);

    for (const key of live.keys) expect(existsSync(sessionFile(directory, key))).toBe(true);
    for (const key of [...expired.keys, corruptKey])
      expect(existsSync(sessionFile(directory, key))).toBe(false);
    for (const name of foreignFiles) expect(existsSync(join(directory, name))).toBe(true);
    for (const key of live.keys) expect(await store.read(key)).toBeDefined();

    const again = await app.run(['purge', '--json']);
    expect(JSON.parse(again.stdout)).toEqual({ store: 'file', location: directory, removed: 0, note: null });
  });

  it('ends every session of one user and no other', async () => {
    const alice = await startSessions(store, 2, 'alice');
    const bob = await startSessions(store, 1, 'bob');

    const { code, stdout, stderr } = await app.run(['revoke', '--user', 'alice']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe('Ended 2 sessions of user alice.\n');
    for (const key of alice.keys) expect(await store.read(key)).toBeUndefined();
    for (const key of [...bob.keys, ...live.keys]) expect(await store.read(key)).toBeDefined();

    const json = await app.run(['revoke', '--user', 'alice', '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ store: 'file', user: 'alice', ended: 0 });
  });

  // `script` (util-linux) runs the command on a pseudo-terminal, where the bar is drawn.
  it.each(process.platform === 'linux' ? ['on a terminal'] : [])('draws a progress bar %s', async () => {
    const many = await startSessions(store, 40);
    for (const key of many.keys) expire(directory, key);
    const isSessionFile = (name: string) => /^sess-[0-9a-f]{64}\.json$/.test(name);
    const files = readdirSync(directory).filter(isSessionFile).length;
    const command = `exec ${CLI_COMMAND.map((part) => JSON.stringify(part)).join(' ')} purge`;
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn('script', ['-qec', command, '/dev/null'], {
        cwd: app.directory,
        env: { PATH: process.env.PATH ?? '', HOME: app.directory, TERM: 'dumb' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let text = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
      });
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`exit ${code}: ${text}`))));
    });
    expect(output).toMatch(new RegExp(`\\rPurging expired sessions \\[#+\\] 100% ${files}/${files}`));
    expect(output).toContain(`Removed 40 expired sessions from file (${directory}).`);
    expect(readdirSync(directory).filter(isSessionFile)).toHaveLength(files - 40);
  });
});
