import { isSessionError, SessionStoreUnavailableError, sessionErrorCode } from '../errors.js';
import type { SessionLogger } from '../logger.js';
import { withDeadline } from '../store-kit/deadline.js';

/** At most one outage report (and one recovery report) per this interval; the rest are counted. */
const REPORT_INTERVAL_MS = 30_000;

/**
 * Runs store operations with a deadline, turning any failure into a
 * {@link SessionStoreUnavailableError} and reporting an outage once: one line when it starts and one
 * when the store answers again, rather than one per failed request.
 *
 * Health is tracked per kind of operation, so a store that still reads but cannot write (a
 * read-only or full disk) is one outage until writes work again, not a new one after every
 * successful read. A store that flaps faster than the report interval is summarised, not echoed.
 */
export class StoreHealth {
  /** Failed calls per operation that has not succeeded since. */
  readonly #failing = new Map<string, number>();
  #lastReportAt = Number.NEGATIVE_INFINITY;
  #unreportedOutages = 0;

  constructor(
    readonly storeName: string,
    readonly logger: SessionLogger,
    /** The longest an operation may take before it counts as failed (`TINA4_SESSION_STORE_TIMEOUT`). */
    readonly timeoutMs: number,
  ) {}

  /** Runs `work`, giving it {@link timeoutMs} plus `extraMs` (a lock's wait) to settle. */
  async run<T>(operation: string, work: () => Promise<T>, extraMs = 0): Promise<T> {
    let result: T;
    try {
      result = await withDeadline(work(), this.timeoutMs + extraMs, `the store did not ${operation}`);
    } catch (error) {
      throw this.#failed(operation, error);
    }
    const failures = this.#failing.get(operation);
    if (failures !== undefined) {
      this.#failing.delete(operation);
      if (this.#failing.size === 0) this.#recovered(operation, failures);
    }
    return result;
  }

  #failed(operation: string, error: unknown): Error {
    // Errors of the library's own (a lock timeout) say what happened already; they are not outages.
    const code = sessionErrorCode(error);
    if (code !== undefined && code !== 'E_SESSION_STORE_UNAVAILABLE') return error as Error;
    const unavailable = isSessionError(error, 'E_SESSION_STORE_UNAVAILABLE')
      ? error
      : new SessionStoreUnavailableError(this.storeName, operation, { cause: error });
    const starting = this.#failing.size === 0;
    this.#failing.set(operation, (this.#failing.get(operation) ?? 0) + 1);
    if (starting) {
      if (this.#mayReport()) {
        const earlier =
          this.#unreportedOutages > 0 ? ` (${this.#unreportedOutages} shorter outage(s) not reported)` : '';
        this.logger.error(
          `[tina4-session] ${unavailable.message}. Requests that need the session get 503 until it answers again${earlier}.`,
        );
        this.#unreportedOutages = 0;
      } else {
        this.#unreportedOutages++;
      }
    }
    return unavailable;
  }

  #recovered(operation: string, failures: number): void {
    if (this.#unreportedOutages > 0) return; // its start was not reported either
    this.logger.warn(
      `[tina4-session] store "${this.storeName}" is answering again (${operation} failed ${failures} time(s) meanwhile).`,
    );
  }

  #mayReport(): boolean {
    const now = Date.now();
    if (now - this.#lastReportAt < REPORT_INTERVAL_MS) return false;
    this.#lastReportAt = now;
    return true;
  }
}
