import { isSessionError, SessionStoreUnavailableError, sessionErrorCode } from '../errors.js';
import type { SessionLogger } from '../logger.js';
import { withDeadline } from '../store-kit/deadline.js';

/** Outages whose start is reported within this window, at most {@link MAX_REPORTS_PER_WINDOW}. */
const REPORT_WINDOW_MS = 30_000;
const MAX_REPORTS_PER_WINDOW = 5;

/**
 * Runs store operations with a deadline, turning any failure into a
 * {@link SessionStoreUnavailableError} (naming the store and where it is) and reporting an outage
 * once: one line when it starts and one when the store answers again, rather than one per failed
 * request.
 *
 * Health is tracked per kind of operation, so a store that still reads but cannot write (a
 * read-only or full disk) is one outage until writes work again, not a new one after every
 * successful read. Every outage is reported, a second one soon after the first too; a store that
 * flaps more than five times in 30 s is summarised instead of echoed.
 */
export class StoreHealth {
  /** Failed calls per operation that has not succeeded since. */
  readonly #failing = new Map<string, number>();
  /** When the outages reported in the last window started. */
  #reportedStarts: number[] = [];
  #currentReported = false;
  #unreportedOutages = 0;

  constructor(
    readonly storeName: string,
    readonly logger: SessionLogger,
    /** The longest an operation may take before it counts as failed (`TINA4_SESSION_STORE_TIMEOUT`). */
    readonly timeoutMs: number,
    /** Where the store is (host:port, a database, a directory), for the log lines. */
    readonly location?: string,
  ) {}

  /** Runs `work`, giving it {@link timeoutMs} plus `extraMs` (a lock's wait) to settle. */
  run<T>(operation: string, work: () => Promise<T>, extraMs = 0): Promise<T> {
    // Not an async function: every store call of every request comes through here, and one
    // `then` costs less than an async function's own promise and its awaits.
    let pending: Promise<T>;
    try {
      pending = withDeadline(work(), this.timeoutMs + extraMs, `the store did not ${operation}`);
    } catch (error) {
      return Promise.reject(this.#failed(operation, error));
    }
    return pending.then(
      (result) => {
        if (this.#failing.size > 0) this.#succeeded(operation);
        return result;
      },
      (error: unknown) => {
        throw this.#failed(operation, error);
      },
    );
  }

  #succeeded(operation: string): void {
    const failures = this.#failing.get(operation);
    if (failures === undefined) return;
    this.#failing.delete(operation);
    if (this.#failing.size === 0) this.#recovered(operation, failures);
  }

  #failed(operation: string, error: unknown): Error {
    // Errors of the library's own (a lock timeout) say what happened already; they are not outages.
    const code = sessionErrorCode(error);
    if (code !== undefined && code !== 'E_SESSION_STORE_UNAVAILABLE') return error as Error;
    const unavailable = isSessionError(error, 'E_SESSION_STORE_UNAVAILABLE')
      ? error
      : new SessionStoreUnavailableError(this.storeName, operation, {
          cause: error,
          location: this.location,
        });
    const starting = this.#failing.size === 0;
    this.#failing.set(operation, (this.#failing.get(operation) ?? 0) + 1);
    if (starting) this.#outageStarted(unavailable);
    return unavailable;
  }

  #outageStarted(error: Error): void {
    const now = Date.now();
    this.#reportedStarts = this.#reportedStarts.filter((start) => now - start < REPORT_WINDOW_MS);
    this.#currentReported = this.#reportedStarts.length < MAX_REPORTS_PER_WINDOW;
    if (!this.#currentReported) {
      this.#unreportedOutages++;
      return;
    }
    this.#reportedStarts.push(now);
    const earlier =
      this.#unreportedOutages > 0
        ? ` (${this.#unreportedOutages} more outage(s) in between were not reported: the store flaps)`
        : '';
    this.#unreportedOutages = 0;
    this.logger.error(
      `[tina4-session] ${error.message}. Requests that need the session get 503 until it answers again${earlier}.`,
    );
  }

  #recovered(operation: string, failures: number): void {
    if (!this.#currentReported) return; // its start was not reported either
    const where = this.location ? ` (${this.location})` : '';
    this.logger.warn(
      `[tina4-session] store "${this.storeName}"${where} is answering again (${operation} failed ${failures} time(s) meanwhile).`,
    );
  }
}
