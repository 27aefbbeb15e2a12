import type { PurgeProgress } from '../store-kit/store-maintenance.js';
import type { CliStream } from './cli-io.js';

/** Redraw at most this often: a purge reports every record, a terminal needs far fewer frames. */
const FRAME_MS = 100;
const BAR_WIDTH = 30;

export interface ProgressBar {
  update(progress: PurgeProgress): void;
  /** Ends the bar's line, when one was drawn. */
  finish(): void;
}

/**
 * A one-line progress bar redrawn in place (`\r`), for a terminal only: on a pipe or a file the
 * frames would pile up as garbage, so there the bar is `undefined` and the caller prints a summary.
 * A few lines of our own rather than a library: the core ships this command in every app and keeps
 * its dependencies to one (`cookie`).
 */
export function progressBar(stream: CliStream, label: string): ProgressBar | undefined {
  if (!stream.isTTY) return undefined;
  let lastFrame = 0;
  let latest: PurgeProgress | undefined;
  let shown: PurgeProgress | undefined;
  const isShown = ({ done, total }: PurgeProgress): boolean => shown?.done === done && shown.total === total;
  const draw = (progress: PurgeProgress): void => {
    const line = renderProgress(label, progress, stream.columns || 80);
    stream.write(`\r${line}\u001b[K`); // carriage return, the line, then clear what a longer one left
    shown = progress;
    lastFrame = Date.now();
  };
  return {
    update(progress) {
      latest = progress;
      if (isShown(progress)) return;
      const complete = progress.total !== undefined && progress.done >= progress.total;
      if (complete || Date.now() - lastFrame >= FRAME_MS) draw(progress);
    },
    finish() {
      // The last report may have come within a frame of the one before: it is the one that stays.
      if (latest && !isShown(latest)) draw(latest);
      if (shown) stream.write('\n');
    },
  };
}

/**
 * One frame: `label [#####-----]  50% 500/1000`, or `label 500` when the total is unknown; the bar
 * shrinks to fit `columns`.
 */
export function renderProgress(label: string, { done, total }: PurgeProgress, columns: number): string {
  if (total === undefined) return `${label} ${done}`;
  const fraction = total === 0 ? 1 : Math.min(1, done / total);
  const figures = `${String(Math.floor(fraction * 100)).padStart(3)}% ${done}/${total}`;
  const room = Math.min(BAR_WIDTH, columns - label.length - figures.length - 5);
  if (room < 5) return `${label} ${figures}`;
  const filled = Math.round(fraction * room);
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(room - filled)}] ${figures}`;
}
