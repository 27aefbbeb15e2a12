import type { SessionLogger } from '../config/session-config.js';
import { SessionError, SessionStoreUnavailableError } from '../errors.js';

/**
 * Runs store operations, turning any failure into a {@link SessionStoreUnavailableError} and
 * reporting an outage once: one line when it starts and one when the store answers again, rather
 * than one per failed request.
 */
export class StoreHealth {
  #failures = 0;

  constructor(
    readonly storeName: string,
    readonly logger: SessionLogger,
  ) {}

  async run<T>(operation: string, work: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await work();
    } catch (error) {
      throw this.#failed(operation, error);
    }
    if (this.#failures > 0) {
      this.logger.warn(
        `[tina4-session] store "${this.storeName}" is answering again after ${this.#failures} failed operation(s).`,
      );
      this.#failures = 0;
    }
    return result;
  }

  #failed(operation: string, error: unknown): Error {
    // Errors of the library's own (a lock timeout) say what happened already; they are not outages.
    if (error instanceof SessionError && !(error instanceof SessionStoreUnavailableError)) return error;
    const unavailable =
      error instanceof SessionStoreUnavailableError
        ? error
        : new SessionStoreUnavailableError(this.storeName, operation, { cause: error });
    if (this.#failures === 0) {
      this.logger.error(
        `[tina4-session] ${unavailable.message}. Requests that need the session get 503 until it answers again.`,
      );
    }
    this.#failures++;
    return unavailable;
  }
}
