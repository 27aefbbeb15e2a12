import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionOptions } from '@tina4/session-core';
import type {} from '@tina4/session-database';
import { type BackendName, openRawClient, provideTestBackend } from '@tina4/test-servers';
import { mergeOptions, type SkippedStore, type StoreTarget } from './stores.js';

/**
 * The SQL store (`@tina4/session-database`, on Kysely) on every database reachable here: SQLite in a
 * temporary file, and PostgreSQL, MariaDB and Firebird at the harness's URLs. Each target has a
 * table of its own; the back door reads the rows with a plain driver connection.
 */

/** The SQL targets: one per database that answers here, or why it is skipped. */
export async function sqlTargets(): Promise<(StoreTarget | SkippedStore)[]> {
  const directory = await mkdtemp(join(tmpdir(), 'tina4-reliability-sqlite-'));
  const sqlite = await sqlTarget('sqlite', `sqlite:///${join(directory, 'sessions.db')}`);
  const targets: (StoreTarget | SkippedStore)[] = [
    {
      ...sqlite,
      async dispose() {
        await sqlite.dispose();
        await rm(directory, { recursive: true, force: true });
      },
    },
  ];
  for (const [backend, name] of [
    ['postgres', 'postgres'],
    ['mariadb', 'mariadb'],
    ['firebird', 'firebird'],
  ] as const) {
    targets.push(await fromHarness(backend, name));
  }
  return targets;
}

/** The SQL store on a database server that a test started itself, or reached through a proxy. */
export const privateSqlTarget = {
  /** Why it cannot run here, or undefined. */
  async unavailable(): Promise<string | undefined> {
    try {
      await import('pg');
      return undefined;
    } catch {
      return 'the pg driver is not installed';
    }
  },
  create: (name: 'postgres' | 'mariadb', url: string): Promise<StoreTarget> => sqlTarget(name, url),
};

async function fromHarness(backend: BackendName, name: string): Promise<StoreTarget | SkippedStore> {
  const provided = await provideTestBackend(backend);
  if ('skip' in provided) return { name, reason: provided.skip };
  try {
    const target = await sqlTarget(name, provided.url);
    return {
      ...target,
      async dispose() {
        await target.dispose();
        await provided.stop();
      },
    };
  } catch (error) {
    return { name, reason: `cannot connect: ${(error as Error).message}` };
  }
}

async function sqlTarget(name: string, url: string): Promise<StoreTarget> {
  const table = `rel_${randomBytes(5).toString('hex')}`;
  const raw = await openRawClient(url);
  const settings = (extra?: SessionOptions): SessionOptions =>
    mergeOptions(
      {
        backend: 'database',
        database: { url },
        env: { TINA4_SESSION_TABLE: table, TINA4_SESSION_REAP_INTERVAL: '0' },
      },
      extra,
    );
  const rows = async (): Promise<Record<string, unknown>[]> => {
    try {
      return await raw.query(`select * from ${raw.quote(table)}`);
    } catch {
      return []; // no table yet: nothing was written
    }
  };
  return {
    name,
    settings,
    options: async (extra) => settings(extra),
    backdoor: {
      async fields(key) {
        const found = (
          await raw
            .query(
              `select ${raw.quote('data')} from ${raw.quote(table)} where ${raw.quote('session_key')} = ?`,
              [key],
            )
            .catch(() => [])
        )[0];
        return found && (JSON.parse(String(found.data)) as Record<string, string>);
      },
      dump: async () =>
        JSON.stringify(await rows(), (_key, value) => (typeof value === 'bigint' ? String(value) : value)),
    },
    async dispose() {
      for (const name of [`${table}_lock`, table])
        await raw.query(`drop table ${raw.quote(name)}`).catch(() => []);
      await raw.close();
    },
  };
}
