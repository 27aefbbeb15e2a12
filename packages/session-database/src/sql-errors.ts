/**
 * Recognises the few database errors the store handles itself, across the drivers' error shapes:
 * pg (`code`: SQLSTATE), mysql2 (`errno`), tedious (`number`), node-firebird (`gdscode`) and
 * better-sqlite3 (`code`: `SQLITE_*`). Everything else propagates.
 */
export interface DriverError {
  readonly code?: unknown;
  readonly errno?: unknown;
  readonly number?: unknown;
  readonly gdscode?: unknown;
  readonly message?: unknown;
}

/** The driver's error fields, whatever was thrown (an empty record for a non-object). */
export function driverError(error: unknown): DriverError {
  return typeof error === 'object' && error !== null ? error : {};
}

/** A duplicate primary key: someone else inserted the same key first. */
export function isUniqueViolation(error: unknown): boolean {
  const { code, errno, number, gdscode } = driverError(error);
  return (
    code === '23505' || // PostgreSQL unique_violation
    errno === 1062 || // MySQL ER_DUP_ENTRY
    number === 2627 ||
    number === 2601 || // SQL Server: PRIMARY KEY / unique index violation
    gdscode === 335544665 ||
    gdscode === 335544349 || // Firebird unique_key_violation / no_dup
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE'
  );
}

/**
 * A conflict with a concurrent transaction that running the transaction again resolves: a
 * deadlock, a serialization failure, or (Firebird) an update conflict.
 */
export function isTransactionConflict(error: unknown): boolean {
  const { code, errno, number, gdscode } = driverError(error);
  return (
    code === '40001' ||
    code === '40P01' || // PostgreSQL serialization_failure / deadlock_detected
    errno === 1213 || // MySQL ER_LOCK_DEADLOCK
    number === 1205 || // SQL Server deadlock victim
    gdscode === 335544336 ||
    gdscode === 335544345 ||
    gdscode === 335544451 || // Firebird deadlock / lock_conflict / update_conflict
    code === 'SQLITE_BUSY'
  );
}

/** A CREATE TABLE/INDEX that lost a race against another process creating the same object. */
export function isAlreadyExists(error: unknown): boolean {
  const { code, errno, number, gdscode, message } = driverError(error);
  return (
    code === '42P07' ||
    code === '42710' || // PostgreSQL duplicate_table / duplicate_object
    errno === 1050 ||
    errno === 1061 || // MySQL table exists / duplicate key name
    number === 2714 ||
    number === 1913 || // SQL Server object / index exists
    (gdscode === 335544351 && typeof message === 'string' && /already exists/i.test(message)) ||
    // Concurrent CREATEs can also collide in the catalog itself (pg_type, RDB$RELATIONS).
    isUniqueViolation(error)
  );
}
