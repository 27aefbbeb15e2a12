/**
 * Whether `error` is MongoDB's duplicate key error (code 11000): an insert or upsert found the
 * `_id` taken. Checked by code rather than by class so that it works with any driver instance.
 */
export function isDuplicateKeyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return code === 11000 || code === 11001;
}
