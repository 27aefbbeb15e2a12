import {
  mkdir,
  mkdtemp,
  open,
  readdir,
  readFile,
  rename,
  rm,
  symlink,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { sessionKeyOf } from '@tina4/session-core';
import { startTinyApp, type TinyApp } from './support/apps.js';
import { type CapturedLogger, captureLogger } from './support/capture-logger.js';
import { printFigures } from './support/figures.js';
import { cookieSetBy, idOf, newSession, readSession } from './support/http.js';
import { mountTmpfs, mountUnavailable, remount, unmount } from './support/mounts.js';
import { type Outage, type OutageReport, runOutageLoad } from './support/outage-load.js';
import { fileTarget, type StoreTarget } from './support/stores.js';

/**
 * The file store when its disk misbehaves. Root ignores file permissions, so the faults are made
 * with tmpfs mounts: a tiny one filled up (ENOSPC) and one remounted read-only (EROFS); and, with
 * no mount at all, the directory swapped for a regular file (ENOTDIR). Each happens in the middle
 * of a bounded load and is then undone, with the app left running. Then a corrupt session file and
 * an unreadable one.
 */

const LOAD = { total: 2000, clients: 12, outageMs: 1000 } as const;
const mountProblem = await mountUnavailable();
if (mountProblem) console.warn(`[reliability] file store ENOSPC/EROFS tests skipped: ${mountProblem}`);
const withMount = mountProblem ? it.skip : it;

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

/** A file-store app on `dir`, with a captured log. */
async function fileApp(dir: string): Promise<{ app: TinyApp; target: StoreTarget; logger: CapturedLogger }> {
  const target = await fileTarget(dir);
  const logger = captureLogger();
  const app = await startTinyApp('express', await target.options({ logger }));
  cleanups.push(() => app.close());
  return { app, target, logger };
}

/** What the directory holds after a fault: leftovers and any file that is not a whole session record. */
async function inspectDirectory(
  dir: string,
): Promise<{ records: number; temp: string[]; locks: string[]; broken: string[] }> {
  const names = await readdir(dir);
  const broken: string[] = [];
  let records = 0;
  for (const name of names.filter((entry) => entry.endsWith('.json'))) {
    const record = JSON.parse(await readFile(join(dir, name), 'utf8').catch(() => 'null')) as {
      expiresAt?: unknown;
      fields?: Record<string, unknown>;
    } | null;
    const whole =
      record !== null &&
      typeof record.expiresAt === 'number' &&
      typeof record.fields === 'object' &&
      Object.values(record.fields ?? {}).every((value) => typeof value === 'string');
    if (whole) records++;
    else broken.push(name);
  }
  return {
    records,
    temp: names.filter((name) => name.endsWith('.tmp')),
    locks: names.filter((name) => name.endsWith('.lock') || name.endsWith('.session-lock')),
    broken,
  };
}

/**
 * The outage's verdict. `partial`: some writes can still succeed during the fault (a full disk
 * where finished writes free the space of their lock files), so successes are allowed then too.
 */
function expectCleanOutage(report: OutageReport, logger: CapturedLogger, { partial = false } = {}): void {
  expect(report.corruption).toEqual([]);
  expect(Object.keys(report.statuses).sort()).toEqual(['200', '503']);
  expect(Object.keys(report.beforeOutage)).toEqual(['200']);
  expect(report.duringOutage['503']).toBeGreaterThan(0);
  const allowedDuring = partial ? ['200', '503'] : ['503'];
  for (const status of Object.keys(report.duringOutage)) expect(allowedDuring).toContain(status);
  expect(Object.keys(report.afterRecovery)).toEqual(['200']);
  expect(Object.keys(report.errorCodes)).toEqual(['E_SESSION_STORE_UNAVAILABLE']);
  const logText = logger.text();
  for (const id of report.rawIds) expect(logText).not.toContain(id);
  if (!partial) {
    // An outage is reported when it starts and when it ends, not once per failed request.
    const outageLines = logger.lines.filter(
      (line) => line.level === 'error' || line.message.includes('is answering again'),
    );
    expect(outageLines.length).toBeLessThanOrEqual(10);
  }
}

function figures(
  report: OutageReport,
  logger: CapturedLogger,
  directory: Awaited<ReturnType<typeof inspectDirectory>>,
) {
  return {
    requests: report.requests,
    statuses: report.statuses,
    during: report.duringOutage,
    afterRecovery: report.afterRecovery,
    recoveryMs: report.recoveryMs,
    slowestMs: report.slowestMs,
    sessionsChecked: report.sessionsChecked,
    corrupted: report.corruption.length,
    records: directory.records,
    brokenFiles: directory.broken.length,
    tempFilesLeft: directory.temp.length,
    lockFilesLeft: directory.locks.length,
    logLines: logger.lines.length,
  };
}

/** Fills the filesystem of `dir` to the last byte; returns the filler's path. */
async function fillUp(dir: string): Promise<string> {
  const path = join(dir, 'filler.bin');
  const handle = await open(path, 'w');
  try {
    // tmpfs allocates whole pages: once a page-sized write fails, not one more byte fits.
    for (const chunk of [Buffer.alloc(64 * 1024), Buffer.alloc(4096)]) {
      for (;;) {
        try {
          await handle.write(chunk);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw error;
        }
      }
    }
  } finally {
    await handle.close();
  }
  return path;
}

describe('file store faults under load', () => {
  withMount(
    'a full disk (ENOSPC on a 2 MiB tmpfs): 503 while full, all served after, no half-written file',
    async () => {
      const dir = await mountTmpfs(2048);
      cleanups.push(() => unmount(dir));
      const { app, target, logger } = await fileApp(dir);
      let filler = '';
      const outage: Outage = {
        begin: async () => {
          filler = await fillUp(dir);
        },
        end: () => unlink(filler),
      };
      const report = await runOutageLoad({ app, backdoor: target.backdoor, logger, outage, ...LOAD });
      const directory = await inspectDirectory(dir);
      printFigures(
        'faults: file store disk full (ENOSPC) under load',
        'file',
        figures(report, logger, directory),
      );
      expectCleanOutage(report, logger, { partial: true });
      expect(directory.broken).toEqual([]);
    },
  );

  withMount(
    'a read-only filesystem (tmpfs remounted ro): 503 while read-only, all served after, no half-written file',
    async () => {
      const dir = await mountTmpfs(8192);
      cleanups.push(() => unmount(dir));
      const { app, target, logger } = await fileApp(dir);
      const outage: Outage = { begin: () => remount(dir, 'ro'), end: () => remount(dir, 'rw') };
      const report = await runOutageLoad({ app, backdoor: target.backdoor, logger, outage, ...LOAD });
      const directory = await inspectDirectory(dir);
      printFigures(
        'faults: file store read-only (EROFS) under load',
        'file',
        figures(report, logger, directory),
      );
      expectCleanOutage(report, logger);
      expect(directory.broken).toEqual([]);
    },
  );

  it('the directory swapped for a regular file (ENOTDIR): 503 meanwhile, all served after, no half-written file', async () => {
    // The store's path is a symlink, swapped atomically (rename over it) between the real directory
    // and a regular file: a plain rename of the directory would let the store re-create it meanwhile.
    const real = await mkdtemp(join(tmpdir(), 'tina4-reliability-swap-'));
    const link = `${real}.link`;
    const notADirectory = `${real}.file`;
    await writeFile(notADirectory, 'not a directory');
    await symlink(real, link);
    cleanups.push(async () => {
      await rm(link, { force: true });
      await rm(notADirectory, { force: true });
      await rm(real, { recursive: true, force: true });
    });
    const pointLinkAt = async (destination: string): Promise<void> => {
      await symlink(destination, `${link}.next`);
      await rename(`${link}.next`, link);
    };
    const { app, target, logger } = await fileApp(link);
    const outage: Outage = { begin: () => pointLinkAt(notADirectory), end: () => pointLinkAt(real) };
    const report = await runOutageLoad({ app, backdoor: target.backdoor, logger, outage, ...LOAD });
    const directory = await inspectDirectory(real);
    printFigures(
      'faults: file store directory replaced by a file (ENOTDIR) under load',
      'file',
      figures(report, logger, directory),
    );
    expectCleanOutage(report, logger);
    expect(directory.broken).toEqual([]);
  });
});

describe('file store with damaged session files', () => {
  const DAMAGE: Record<string, string | Buffer> = {
    'truncated JSON': '{"expiresAt": 99999999999999, "fields": {"owner": "\\"me',
    'an empty file': '',
    'a JSON array': '[1, 2, 3]',
    'a non-string field': JSON.stringify({ expiresAt: 99_999_999_999_999, fields: { owner: 42 } }),
    'a string expiry': JSON.stringify({ expiresAt: 'tomorrow', fields: { owner: '"me"' } }),
    'binary garbage': Buffer.from([0, 255, 254, 1, 2, 3, 0x7b, 0x22]),
    'fields that are not JSON': JSON.stringify({
      expiresAt: 99_999_999_999_999,
      fields: { owner: 'not json{' },
    }),
  };

  it.each(Object.keys(DAMAGE))(
    'a session file holding %s reads as a fresh session, with a log line',
    async (damage) => {
      const target = await fileTarget();
      cleanups.push(() => target.dispose());
      const { app, logger } = await fileApp((await target.options()).path!);
      const cookie = await newSession(app.url);
      const file = join((await target.options()).path!, `sess-${sessionKeyOf(idOf(cookie))}.json`);
      await writeFile(file, DAMAGE[damage]!);

      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const response = await fetch(`${app.url}/read`, { headers: { cookie } });
        statuses.push(response.status);
        await response.arrayBuffer();
      }
      const write = await fetch(`${app.url}/write?key=after&value=1`, {
        method: 'POST',
        headers: { cookie },
      });
      const newCookie = cookieSetBy(write);
      printFigures('faults: damaged session file', `file (${damage})`, {
        readStatuses: statuses,
        writeStatus: write.status,
        newId: newCookie !== undefined && newCookie !== cookie,
        logLines: logger.lines.length,
      });
      if (damage === 'fields that are not JSON') {
        // Not a store-level problem: the record is well-formed, the value inside is not JSON.
        expect(statuses.every((status) => status === 200 || status === 503)).toBe(true);
      } else {
        expect(statuses).toEqual([200, 200, 200]);
        expect(await readSession(app.url, cookie)).toEqual({});
        expect(write.status).toBe(200);
        expect(newCookie).toBeDefined();
        expect(newCookie).not.toBe(cookie);
        expect(await readSession(app.url, newCookie!)).toEqual({ after: 1 });
        // One line about the file, however often it is read; it names the file, not the session id.
        const about = logger.lines.filter((line) => line.message.includes('not a valid session record'));
        expect(about).toHaveLength(1);
        expect(logger.text()).not.toContain(idOf(cookie));
      }
      // The damaged file is left for the reaper, never half-rewritten.
      expect(await readFile(file)).toEqual(Buffer.from(DAMAGE[damage]!));
    },
  );

  it('a session file that cannot be read (a directory in its place) gets a clear 503, and the app goes on', async () => {
    const target = await fileTarget();
    cleanups.push(() => target.dispose());
    const { app, logger } = await fileApp((await target.options()).path!);
    const cookie = await newSession(app.url);
    const other = await newSession(app.url, 'owner', 'other');
    const file = join((await target.options()).path!, `sess-${sessionKeyOf(idOf(cookie))}.json`);
    await unlink(file);
    await mkdir(file);

    const response = await fetch(`${app.url}/read`, { headers: { cookie } });
    const body = await response.json();
    printFigures('faults: unreadable session file', 'file', {
      status: response.status,
      body,
      logLines: logger.lines.length,
    });
    expect(response.status).toBe(503);
    expect(body).toEqual({
      error: 'The session store is unavailable. Please retry shortly.',
      code: 'E_SESSION_STORE_UNAVAILABLE',
    });
    expect(await readSession(app.url, other)).toEqual({ owner: 'other' });
    expect(logger.text()).not.toContain(idOf(cookie));
  });
});
