import type { SessionOptions } from '../config/session-config.js';
import { resolveSessionConfig } from '../config/session-config.js';
import { createStore } from '../manager/create-store.js';
import { SessionManager } from '../manager/session-manager.js';
import { warnAboutSettings } from '../manager/settings-warnings.js';

/** A session manager that adapters can create synchronously and use once its store is ready. */
export interface ManagerHandle {
  /**
   * Resolves once the store exists and has been checked; rejects when it cannot be created (a
   * missing backend package, a bad `DATABASE_URL`), or cannot be reached with
   * `TINA4_SESSION_REQUIRE_STORE`. An app that does not handle it stops, as with any start-up error.
   */
  readonly ready: Promise<SessionManager>;
  /** The manager once {@link ready} has resolved, for code paths that must not wait a tick. */
  readonly current: SessionManager | undefined;
  /** For requests that arrive before {@link ready} settles: the manager, or the start-up error. */
  readonly whenReady: Promise<SessionManager>;
  /** Closes the store (connections, timers). */
  close(): Promise<void>;
}

/**
 * Validates the configuration now, so that bad settings throw at start-up, then creates the store
 * (backend packages are imported now) and checks that it answers, reporting where it is when it does
 * not. A failure to create the store is logged and rejects {@link ManagerHandle.ready}, which the
 * app awaits before listening (or which, unhandled, stops the process: fail fast, in every framework).
 */
export function createManagerHandle(options: SessionOptions | undefined): ManagerHandle {
  const config = resolveSessionConfig(options);
  warnAboutSettings(config);
  const created = createStore(config).then(async (store) => {
    const manager = new SessionManager(config, store);
    try {
      await manager.checkStore();
    } catch (error) {
      await store.close().catch(() => {});
      throw error;
    }
    return manager;
  });
  // Requests use their own handle on the outcome, logged once.
  const whenReady = created.then(
    (manager) => manager,
    (error: unknown) => {
      config.logger.error(`[tina4-session] ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    },
  );
  whenReady.catch(() => {});
  // The app's handle is a promise of its own that nothing here listens to: a failure the app does
  // not handle is an unhandled rejection, which stops the process (Node's default since 15), so an
  // app that never awaits `ready` fails at start-up instead of answering every request with an error.
  const ready = whenReady.then((manager) => manager);
  const handle = {
    ready,
    whenReady,
    current: undefined as SessionManager | undefined,
    async close() {
      const manager = await whenReady.catch(() => undefined);
      await manager?.close();
    },
  };
  whenReady.then(
    (manager) => {
      handle.current = manager;
    },
    () => {},
  );
  return handle;
}
