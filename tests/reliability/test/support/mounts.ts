import { execFile } from 'node:child_process';
import { mkdtemp, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

/**
 * Small tmpfs mounts for file-store faults that root cannot get from permissions: a full disk
 * (ENOSPC) and a read-only filesystem (EROFS). They need `mount` to work (root with CAP_SYS_ADMIN,
 * as in this project's machines); {@link mountUnavailable} says why not, elsewhere.
 */

const run = promisify(execFile);

/** Why tmpfs mounts cannot be made here, or undefined when they can. */
export async function mountUnavailable(): Promise<string | undefined> {
  const probe = await mkdtemp(join(tmpdir(), 'tina4-reliability-probe-'));
  try {
    await run('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]);
    await run('umount', [probe]);
    return undefined;
  } catch (error) {
    return `mount -t tmpfs failed: ${(error as Error).message.split('\n')[0]}`;
  } finally {
    await rmdir(probe).catch(() => {});
  }
}

/** Mounts a fresh tmpfs of `sizeKb` KiB on a new temporary directory and returns the directory. */
export async function mountTmpfs(sizeKb: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tina4-reliability-tmpfs-'));
  await run('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k,mode=0700`, 'tmpfs', dir]);
  return dir;
}

/**
 * Remounts `dir` read-only or read-write. Going read-only fails with EBUSY while a file is open
 * for writing (a session write in flight), so it is retried until the writes in flight are done.
 */
export async function remount(dir: string, mode: 'ro' | 'rw'): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await run('mount', ['-o', `remount,${mode}`, dir]);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(5);
    }
  }
}

/** Unmounts `dir` and removes it. */
export async function unmount(dir: string): Promise<void> {
  await run('umount', [dir]).catch(() => run('umount', ['-l', dir]));
  await rmdir(dir).catch(() => {});
}
