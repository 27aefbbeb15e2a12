/**
 * Preloaded (`node --import`) into a server only for the store-operation count: wraps the public
 * `node:fs` functions (callback, sync and promise forms, and `FileHandle` methods) with counters,
 * so that the file stores' I/O per request can be shown. Loaded before any store library, so that
 * libraries that copy `fs` at load time (graceful-fs, write-file-atomic) copy the counting versions.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { devNull } from 'node:os';
import type { LocalIoGlobals } from './bench-server.js';

/** Operation name -> calls since start (the runner takes differences). Served by `GET /__bench/io`. */
export const fsCalls: Record<string, number> = {};

const OPERATIONS = [
  'access',
  'appendFile',
  'chmod',
  'close',
  'copyFile',
  'fchmod',
  'fdatasync',
  'fstat',
  'fsync',
  'ftruncate',
  'futimes',
  'link',
  'lstat',
  'mkdir',
  'open',
  'opendir',
  'read',
  'readdir',
  'readFile',
  'rename',
  'rm',
  'rmdir',
  'stat',
  'truncate',
  'unlink',
  'utimes',
  'write',
  'writeFile',
];

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

function wrap(target: Record<string, unknown>, property: string, counted: string): void {
  const original = target[property];
  if (typeof original !== 'function') return;
  const call = original as AnyFunction;
  target[property] = function counting(this: unknown, ...args: unknown[]) {
    fsCalls[counted] = (fsCalls[counted] ?? 0) + 1;
    return call.apply(this, args);
  };
}

const callbackApi = fs as unknown as Record<string, unknown>;
const promiseApi = fs.promises as unknown as Record<string, unknown>;
for (const operation of OPERATIONS) {
  wrap(callbackApi, operation, operation);
  wrap(callbackApi, `${operation}Sync`, operation);
  wrap(promiseApi, operation, operation);
}

// FileHandle is not exported: reach its prototype through a handle on the null device.
const handle = await fs.promises.open(devNull, 'r');
const fileHandlePrototype = Object.getPrototypeOf(handle) as Record<string, unknown>;
await handle.close();
for (const method of [
  'close',
  'read',
  'readFile',
  'stat',
  'sync',
  'datasync',
  'truncate',
  'write',
  'writeFile',
]) {
  wrap(fileHandlePrototype, method, method === 'sync' ? 'fsync' : method);
}

// ESM named imports of built-ins (`import { readFile } from 'node:fs/promises'`) see the wrappers only after this.
syncBuiltinESMExports();

(globalThis as LocalIoGlobals).__benchFsCalls = fsCalls;
