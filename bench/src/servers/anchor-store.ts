import { join } from 'node:path';
import MongoStore from 'connect-mongo';
import connectPgSimple from 'connect-pg-simple';
import { RedisStore } from 'connect-redis';
import session from 'express-session';
import pg from 'pg';
import { createClient } from 'redis';
import sessionFileStore from 'session-file-store';
import type { Endpoints } from '../endpoints.js';
import type { Variant } from '../variants.js';

/** An express-session compatible store (also what @fastify/session accepts), and how to close it. */
export interface AnchorStore {
  /** Undefined: the session library's built-in memory store. */
  readonly store: session.Store | undefined;
  close(): Promise<void>;
}

/** Keys of the benchmark never mix with an application's (or a test's) on a shared server. */
const KEY_PREFIX = 'tina4-bench:anchor:';

/**
 * The ecosystem store of an anchor variant, set up as its README recommends. @fastify/session uses
 * its own built-in memory store; express-session gets its `MemoryStore` explicitly.
 */
export async function createAnchorStore(variant: Variant, endpoints: Endpoints): Promise<AnchorStore> {
  const none = async (): Promise<void> => {};
  switch (variant.store) {
    case 'memory':
      return { store: variant.framework === 'express' ? new session.MemoryStore() : undefined, close: none };
    case 'file': {
      const FileStore = sessionFileStore(session);
      const path = join(endpoints.dataDir, `${variant.name}-${process.pid}`);
      return { store: new FileStore({ path, logFn: () => {} }), close: none };
    }
    case 'redis': {
      const client = createClient({ url: endpoints.redisUrl });
      client.on('error', (error: Error) => console.error(`[${variant.name}] redis: ${error.message}`));
      await client.connect();
      return { store: new RedisStore({ client, prefix: KEY_PREFIX }), close: () => client.quit().then(none) };
    }
    case 'postgres': {
      // One table per framework: both servers may start at once, and CREATE TABLE races with itself.
      const table = `tina4_bench_anchor_${variant.framework}`;
      const pool = new pg.Pool({ connectionString: endpoints.postgresUrl });
      await pool.query(
        `CREATE TABLE IF NOT EXISTS ${table} (sid varchar PRIMARY KEY, sess json NOT NULL, expire timestamp(6) NOT NULL)`,
      );
      await pool.query(`CREATE INDEX IF NOT EXISTS ${table}_expire ON ${table} (expire)`);
      const PgStore = connectPgSimple(session);
      const store = new PgStore({ pool, tableName: table });
      return {
        store,
        close: async () => {
          store.close();
          await pool.end();
        },
      };
    }
    case 'mongodb': {
      // The default `autoRemove: 'native'` creates the TTL index at start-up, as in an application.
      const store = MongoStore.create({
        mongoUrl: endpoints.mongodbUrl,
        collectionName: 'tina4_bench_anchor_sessions',
      });
      return { store, close: () => store.close() };
    }
    default:
      throw new Error(`No anchor store for ${variant.store ?? 'no store'}.`);
  }
}
