/** Number formats shared by the report and the targets. */

export const integer = (value: number): string => Math.round(value).toLocaleString('en-US');

export const fixed = (value: number | undefined, digits: number): string =>
  value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);

/** "95 B", "101.6 KB" (1 KB = 1000 bytes, as in "a 100 KB session"). */
export function formatBytes(bytes: number): string {
  return bytes < 1000 ? `${Math.round(bytes)} B` : `${(bytes / 1000).toFixed(1)} KB`;
}

export function shorten(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}
