import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { closestSessionVariable, KNOWN_SESSION_VARIABLES } from '../config/known-settings.js';
import { resolveSessionConfig, type SessionConfig } from '../config/session-config.js';
import { sessionErrorCode } from '../errors.js';
import type { SessionLogger } from '../logger.js';
import { createStore } from '../manager/create-store.js';
import { SessionManager } from '../manager/session-manager.js';
import type { SessionStore } from '../store-kit/session-store.js';
import { CliFailure, messageOf } from './cli-errors.js';
import type { CliIo } from './cli-io.js';

/**
 * A command is not a request: a COUNT over a large table may take longer than the request path's
 * budget (`TINA4_SESSION_STORE_TIMEOUT`, 2 s by default). Its operations get at least this long.
 */
const MIN_STORE_TIMEOUT_MS = 10_000;

/**
 * The app's configuration, as the app resolves it: `TINA4_SESSION_*` and `DATABASE_URL` from the
 * environment over `.env` (or `envFile`). Misspelt `TINA4_SESSION_*` variables are reported.
 *
 * @throws {@link SessionConfigError} for a setting the app itself would refuse at start-up.
 */
export function loadConfig(envFile: string | undefined, io: CliIo): SessionConfig {
  if (envFile !== undefined && !existsSync(envFile)) {
    throw new CliFailure(`--dotenv ${envFile}: there is no such file. Give the path of the app's .env file.`);
  }
  const config = resolveSessionConfig({
    ...(envFile !== undefined && { envFile: resolve(envFile) }),
    logger: stderrLogger(io),
  });
  for (const name of Object.keys(config.env)) {
    if (name.startsWith('TINA4_SESSION_') && !KNOWN_SESSION_VARIABLES.has(name)) {
      io.stderr.write(
        `tina4-session: warning: ${name} is not a setting of Tina4 Sessions and is ignored. ` +
          `Did you mean ${closestSessionVariable(name)}?\n`,
      );
    }
  }
  return { ...config, storeTimeoutMs: Math.max(config.storeTimeoutMs, MIN_STORE_TIMEOUT_MS) };
}

/**
 * Runs `work` with a manager on the configured store, once the store has answered, and closes the
 * store afterwards (connections, pools, timers), whatever happens.
 *
 * @throws {@link CliFailure} for the memory store (it lives inside the app's process), a file
 *   store's directory that does not exist, or a store that cannot be reached.
 */
export async function withSessionManager<T>(
  config: SessionConfig,
  work: (manager: SessionManager) => Promise<T>,
): Promise<T> {
  if (config.backend === 'memory') {
    throw new CliFailure(
      "TINA4_SESSION_BACKEND=memory keeps sessions inside the app's own process, where no other process " +
        'can see them: this command has nothing to work on. Use the file store or a server store (redis, ' +
        'valkey, mongodb, database) to manage sessions from the command line.',
    );
  }
  // The file store's ping would create its directory: run in the wrong folder, the command would
  // leave an empty `sessions` there and report no sessions, rather than point at the mistake.
  if (config.backend === 'file' && !existsSync(config.filePath)) {
    throw new CliFailure(
      `the file store's directory ${config.filePath} does not exist, so no app keeps sessions there. Run the ` +
        "command in the app's directory (where its .env is), or set TINA4_SESSION_PATH to the app's session directory.",
    );
  }
  const store = await createStore(config);
  try {
    if (store.ping) await inStore(store, 'answer', () => store.ping!());
    return await work(new SessionManager(config, store));
  } finally {
    await store.close().catch(() => {});
  }
}

/**
 * Runs one store operation; a failure becomes a {@link CliFailure} that names the store, where it
 * is and what to check. The library's own errors (a bad setting) already say that, and pass as they are.
 */
export async function inStore<T>(store: SessionStore, doing: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (sessionErrorCode(error) === 'E_SESSION_CONFIG' || error instanceof CliFailure) throw error;
    const where = store.location ? ` (${store.location})` : '';
    throw new CliFailure(
      `the ${store.name} store${where} did not ${doing}: ${messageOf(error)}. Check that it is running and ` +
        'reachable, and that the settings (TINA4_SESSION_*, DATABASE_URL) point at it.',
      { cause: error },
    );
  }
}

/** Store warnings go to stderr, so that stdout holds only the command's result. */
function stderrLogger(io: CliIo): SessionLogger {
  return {
    warn: (message) => io.stderr.write(`${message}\n`),
    error: (message) => io.stderr.write(`${message}\n`),
  };
}
