import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createStore,
  resolveSessionConfig,
  type SessionStore,
  supportsUserSessions,
} from '@tina4/session-core';
import { openRawMongo, type RawMongo, uniqueMongoDatabase } from '@tina4/test-servers';
import { onTestBackend } from './support/on-test-backend.js';
import { type CliApp, createCliApp } from './support/session-cli.js';
import { type StartedSessions, startSessions } from './support/start-sessions.js';

/** More than one of the purge's batches (1000 documents). */
const MANY_EXPIRED = 1200;

/**
 * The command on MongoDB (here, often the jongodb stand-in, which never deletes expired documents
 * itself: there, purge is what removes them). Checked through a plain driver client.
 */
function describeMongoCli(url: string): void {
  describe('tina4-session on MongoDB', () => {
    const app: CliApp = createCliApp();
    const database = uniqueMongoDatabase('cli');
    const env = {
      TINA4_SESSION_BACKEND: 'mongodb',
      TINA4_SESSION_URL: url,
      TINA4_SESSION_DATABASE: database,
    };
    const past = () => new Date(Date.now() - 60_000);
    let raw: RawMongo;
    let store: SessionStore;
    let live: StartedSessions;

    beforeAll(async () => {
      raw = await openRawMongo(url, database);
      store = await createStore(resolveSessionConfig({ env, envFile: false }));
      live = await startSessions(store, 3);
      const expired = await startSessions(store, 2);
      await raw.sessions.updateMany({ _id: { $in: expired.keys } }, { $set: { expiresAt: past() } });
    });
    afterAll(async () => {
      await store.close();
      await raw.close();
      app.remove();
    });

    it('counts live sessions and expired documents not yet deleted', async () => {
      const { code, stdout } = await app.run(['stats', '--json'], env);
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toEqual({
        store: 'mongodb',
        location: `${new URL(url).host}, ${database}.tina4_sessions`,
        live: 3,
        expired: 2,
      });
    });

    it('purges every expired document in batches, and expired locks, leaving live sessions', async () => {
      await raw.sessions.insertMany(
        Array.from({ length: MANY_EXPIRED }, () => ({
          _id: randomBytes(32).toString('hex'),
          data: {},
          expiresAt: past(),
        })),
      );
      await raw.locks.insertOne({ _id: 'f'.repeat(64), token: 'a'.repeat(64), expiresAt: past() });

      const { code, stdout } = await app.run(['purge'], env);
      expect(code).toBe(0);
      expect(stdout).toBe(
        `Removed ${MANY_EXPIRED + 2} expired sessions from mongodb (${new URL(url).host}, ${database}.tina4_sessions).\n`,
      );
      expect(await raw.sessions.countDocuments({})).toBe(3);
      expect(await raw.locks.countDocuments({})).toBe(0);
      for (const key of live.keys) expect(await store.read(key)).toBeDefined();
    });

    it("ends one user's sessions, or says clearly that this store cannot", async () => {
      const alice = await startSessions(store, 2, 'alice');
      const { code, stdout, stderr } = await app.run(['revoke', '--user', 'alice'], env);
      if (!supportsUserSessions(store)) {
        expect(code).toBe(1);
        expect(stderr).toContain("cannot list or end a user's sessions");
        return;
      }
      expect(code).toBe(0);
      expect(stdout).toBe('Ended 2 sessions of user alice.\n');
      for (const key of alice.keys) expect(await store.read(key)).toBeUndefined();
      for (const key of live.keys) expect(await store.read(key)).toBeDefined();
    });
  });
}

await onTestBackend('mongodb', 'MongoDB', describeMongoCli);
