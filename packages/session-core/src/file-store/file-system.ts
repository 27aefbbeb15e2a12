import { unlinkSync } from 'node:fs';
import { unlink } from 'node:fs/promises';

/** The `code` of a Node.js system error (`ENOENT`, `EACCES`, ...), if it has one. */
export function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Removes a file; one that is already gone is not an error (another process may have removed it). */
export async function removeFile(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
}

/** {@link removeFile} for the store's critical sections (see `session-file.ts` on why synchronous). */
export function removeFileSync(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
}
