import type { SessionOptions } from '../config/session-config.js';
import { resolveSessionConfig } from '../config/session-config.js';
import { createStore } from '../manager/create-store.js';
import { SessionManager } from '../manager/session-manager.js';

/** A session manager that adapters can create synchronously and use once its store is ready. */
export interface ManagerHandle {
  /** Resolves once the store exists; rejects (once, logged) when it cannot be created. */
  readonly ready: Promise<SessionManager>;
  /** The manager once {@link ready} has resolved, for code paths that must not wait a tick. */
  readonly current: SessionManager | undefined;
  /** Closes the store (connections, timers). */
  close(): Promise<void>;
}

/**
 * Validates the configuration now, so that bad settings fail at start-up, and creates the store in
 * the background (backend packages are imported lazily).
 */
export function createManagerHandle(options: SessionOptions | undefined): ManagerHandle {
  const config = resolveSessionConfig(options);
  const ready = createStore(config).then((store) => new SessionManager(config, store));
  ready.catch((error: unknown) => {
    config.logger.error(`[tina4-session] ${error instanceof Error ? error.message : String(error)}`);
  });
  const handle = {
    ready,
    current: undefined as SessionManager | undefined,
    async close() {
      const manager = await ready.catch(() => undefined);
      await manager?.close();
    },
  };
  ready.then(
    (manager) => {
      handle.current = manager;
    },
    () => {},
  );
  return handle;
}
