import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ChildServer, startChildServer } from '@tina4/test-http';

export { stopChildServer as stopServer } from '@tina4/test-http';

export const EXAMPLE_DIR = fileURLToPath(new URL('../..', import.meta.url));
const SERVER = join(EXAMPLE_DIR, 'src', 'server.ts');

/** The cart's `src/server.ts` running as a child process, under the name the cart's tests use. */
export type Started = ChildServer;

/**
 * `node --import tsx src/server.ts`, as `pnpm start` runs it, with the given environment on top of
 * ours, in `cwd` (whose `.env` it reads).
 */
export function startServer(env: Record<string, string>, cwd = EXAMPLE_DIR): Started {
  return startChildServer(SERVER, { cwd, env });
}
