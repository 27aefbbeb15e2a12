import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp as createFastifyApp } from '@tina4/example-fastify';
import { createApp as createHonoApp } from '@tina4/example-hono';
import { createApp as createNodeHttpApp } from '@tina4/example-node-http';
import type { SessionOptions } from '@tina4/session-core';

/** An example app listening on a free port of 127.0.0.1. */
export interface ListeningApp {
  readonly url: string;
  /** Closes the server and the session store. */
  close(): Promise<void>;
}

/** One of the small examples: the same routes and behaviour, on another framework. */
export interface Example {
  /** How the example calls itself, as in "Cannot start the Fastify example". */
  readonly name: string;
  /** The example's folder, in which `pnpm start` runs `src/server.ts`. */
  readonly dir: string;
  /** Starts the app in this process as its `src/server.ts` does, with the given session settings. */
  listen(session: SessionOptions): Promise<ListeningApp>;
}

const resolveHere = createRequire(import.meta.url);
const folderOf = (example: string) => dirname(resolveHere.resolve(`${example}/package.json`));

export const EXAMPLES: readonly Example[] = [
  {
    name: 'Fastify',
    dir: folderOf('@tina4/example-fastify'),
    async listen(session) {
      const app = await createFastifyApp({ session });
      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      return { url, close: () => app.close() }; // closes the session store too
    },
  },
  {
    name: 'Hono',
    dir: folderOf('@tina4/example-hono'),
    async listen(session) {
      const app = createHonoApp({ session });
      await app.sessions.ready;
      const server = await new Promise<Server>((resolve) => {
        const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
          resolve(started),
        ) as Server;
      });
      return listening(server, () => app.sessions.close());
    },
  },
  {
    name: 'node:http',
    dir: folderOf('@tina4/example-node-http'),
    async listen(session) {
      const server = createNodeHttpApp({ session });
      await server.sessions.ready;
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return listening(server, () => server.sessions.close());
    },
  },
];

/** A `node:http` server (Hono's adapter makes one too) that closes its session store after itself. */
function listening(server: Server, closeStore: () => Promise<void>): ListeningApp {
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      // Keep-alive connections of the tests' fetches would hold `close()` open until they time out.
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await closeStore();
    },
  };
}
