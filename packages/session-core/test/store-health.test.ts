import { describe, expect, it } from '@jest/globals';
import { SessionLockTimeoutError, SessionStoreUnavailableError } from '../src/index.js';
import { StoreHealth } from '../src/manager/store-health.js';

function health() {
  const lines: string[] = [];
  const tracker = new StoreHealth(
    'file',
    { warn: (line) => lines.push(`warn ${line}`), error: (line) => lines.push(`error ${line}`) },
    2000,
  );
  const ok = () => tracker.run('read a session', async () => 'data');
  const fail = () =>
    tracker.run('write a session', async () => Promise.reject(new Error('EROFS: read-only file system')));
  return { lines, tracker, ok, fail };
}

describe('StoreHealth', () => {
  it('reports a store that reads but cannot write as one outage, not one per request', async () => {
    const { lines, ok, fail } = health();
    for (let request = 0; request < 20; request++) {
      await ok();
      await expect(fail()).rejects.toBeInstanceOf(SessionStoreUnavailableError);
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error .*store "file" failed to write a session: EROFS/);
  });

  it('reports the recovery once the failing operation works again', async () => {
    const { lines, tracker, fail } = health();
    await expect(fail()).rejects.toThrow();
    await expect(fail()).rejects.toThrow();
    await tracker.run('write a session', async () => undefined);
    expect(lines[1]).toMatch(/^warn .*answering again \(write a session failed 2 time\(s\) meanwhile\)/);
  });

  it('reports a second outage soon after the first, and summarises a store that flaps', async () => {
    const { lines, tracker, fail } = health();
    for (let flap = 0; flap < 2; flap++) {
      await expect(fail()).rejects.toThrow();
      await tracker.run('write a session', async () => undefined);
    }
    expect(lines.map((line) => line.split(' ')[0])).toEqual(['error', 'warn', 'error', 'warn']);
    for (let flap = 0; flap < 10; flap++) {
      await expect(fail()).rejects.toThrow();
      await tracker.run('write a session', async () => undefined);
    }
    // Five outages reported in 30 s, then silence; the next report counts the ones left out.
    expect(lines).toHaveLength(10);
  });

  it('names where the store is in its reports', async () => {
    const lines: string[] = [];
    const tracker = new StoreHealth(
      'redis',
      { warn: (l) => lines.push(l), error: (l) => lines.push(l) },
      2000,
      '10.0.0.5:6379',
    );
    await expect(
      tracker.run('read a session', async () => Promise.reject(new Error('connect ECONNREFUSED'))),
    ).rejects.toThrow('Session store "redis" (10.0.0.5:6379) failed to read a session: connect ECONNREFUSED');
    expect(lines[0]).toContain('(10.0.0.5:6379)');
  });

  it('passes lock timeouts through untouched: they are not outages', async () => {
    const { lines, tracker } = health();
    await expect(
      tracker.run('lock a session', async () => Promise.reject(new SessionLockTimeoutError(50))),
    ).rejects.toBeInstanceOf(SessionLockTimeoutError);
    expect(lines).toEqual([]);
  });
});
