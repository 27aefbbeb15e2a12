import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SessionConfig } from '../config/session-config.js';
import { encryptStore } from '../encryption/encrypted-store.js';
import { SessionBackendNotInstalledError, SessionConfigError } from '../errors.js';
import { createFileStore } from '../file-store/file-store.js';
import { createMemoryStore } from '../memory-store/memory-store.js';
import { isMissingModule } from '../store-kit/optional-import.js';
import type { SessionStore } from '../store-kit/session-store.js';
import { assertStoreContract } from '../store-kit/store-contract.js';
import { BACKEND_PACKAGES, type PackagedBackend, type SessionBackendModule } from './backend-packages.js';

/**
 * The store the configuration asks for: the composition root of the core. File and memory stores
 * are built in; the others live in their own packages, imported only when chosen so that an app
 * installs just the backend it uses. With `TINA4_SESSION_SECRET`, values are encrypted at rest.
 */
export async function createStore(config: SessionConfig): Promise<SessionStore> {
  const store = await createPlainStore(config);
  return config.secrets.length > 0 ? encryptStore(store, config.secrets, config.logger) : store;
}

async function createPlainStore(config: SessionConfig): Promise<SessionStore> {
  if (config.store) {
    return assertStoreContract(
      config.store,
      'The `store` option',
      'See "Write your own store" in the @tina4/session-core README for the contract and its compliance suite.',
    );
  }
  switch (config.backend) {
    case 'file':
      return createFileStore({
        directory: config.filePath,
        logger: config.logger,
        maxSessions: config.maxSessions,
      });
    case 'memory':
      return createMemoryStore({ maxSessions: config.maxSessions, logger: config.logger });
    default: {
      const { packageName } = BACKEND_PACKAGES[config.backend];
      const backend = await importBackend(config.backend, config);
      if (typeof backend.createStoreFromConfig !== 'function') {
        throw new SessionConfigError(
          `${packageName} does not export createStoreFromConfig: it is not a store package for this ` +
            `@tina4/session-core. ${sameVersionAdvice(packageName)}`,
        );
      }
      return assertStoreContract(
        await backend.createStoreFromConfig(config),
        `The store of ${packageName}`,
        sameVersionAdvice(packageName),
      );
    }
  }
}

/**
 * The package of a packaged backend, imported from the core's location or else the app's (see
 * below); also used by the `tina4-session` command for what a package exports beside its store.
 *
 * @throws {@link SessionBackendNotInstalledError} with the install command when it is not installed.
 */
export async function importBackend(
  backend: PackagedBackend,
  config: SessionConfig,
): Promise<SessionBackendModule> {
  const { packageName, installCommand } = BACKEND_PACKAGES[backend];
  try {
    return (await import(packageName)) as SessionBackendModule;
  } catch (error) {
    if (!isMissingModule(error, packageName)) throw error;
    // Isolated layouts (pnpm, workspaces) install the backend beside the app, where the core's own
    // location cannot see it: look it up from the app's directory as well.
    const fromApp = resolveFromApp(packageName);
    if (fromApp) return (await import(pathToFileURL(fromApp).href)) as SessionBackendModule;
    throw new SessionBackendNotInstalledError(backend, installCommand(config), { cause: error });
  }
}

function resolveFromApp(packageName: string): string | undefined {
  try {
    return createRequire(join(process.cwd(), 'package.json')).resolve(packageName);
  } catch {
    return undefined;
  }
}

/** The store packages are released in step with the core, under one version number. */
function sameVersionAdvice(packageName: string): string {
  return `Install the same version of ${packageName} as of @tina4/session-core (npm ls @tina4/session-core ${packageName}).`;
}
