import { SessionBackendNotInstalledError } from '../errors.js';

/** What to say when an optional package is missing. */
export interface OptionalModule {
  /** The package to import (`ioredis`, `pg`, ...). */
  readonly specifier: string;
  /** The backend that needs it, for the error (`redis`, `database`, ...). */
  readonly backend: string;
  /** The command that installs what is missing. */
  readonly installCommand: string;
}

/**
 * Imports a module by name. It must be written in the package that depends on the module, as
 * `(specifier) => import(specifier)`: an import resolves from the file it is written in, and the
 * core cannot see a backend package's dependencies.
 */
export type ImportModule = (specifier: string) => Promise<unknown>;

/**
 * Imports a driver or backend package that an app installs only when it uses that backend. A
 * missing package becomes a {@link SessionBackendNotInstalledError} naming the install command; a
 * package that is there but fails to load keeps its own error. CommonJS packages arrive as
 * `{ default: module.exports }`: that object (or function) is returned for them, the namespace
 * for ES modules.
 */
export async function importOptional<T>(module: OptionalModule, load: ImportModule): Promise<T> {
  let loaded: unknown;
  try {
    loaded = await load(module.specifier);
  } catch (error) {
    if (isMissingModule(error, module.specifier)) {
      throw new SessionBackendNotInstalledError(module.backend, module.installCommand, { cause: error });
    }
    throw error;
  }
  const namespace = loaded as { default?: unknown };
  return (namespace.default ?? namespace) as T;
}

/**
 * Whether `error` says that `specifier` itself cannot be found (not one of its own imports). Duck-typed:
 * loaders (Jest's, for one) throw errors of another realm.
 */
export function isMissingModule(error: unknown, specifier: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
  // Node and Jest quote the name: 'pg' (or 'pg/lib/x'); a message about 'pg-pool' is not about 'pg'.
  return (
    missing &&
    typeof message === 'string' &&
    (message.includes(`'${specifier}'`) || message.includes(`'${specifier}/`))
  );
}
