/** The measured routes every server has (the bare ceilings answer them without a session). */
export interface Route {
  readonly path: '/read' | '/write' | '/nocookie' | '/large/read' | '/large/write';
  readonly method: 'GET' | 'POST';
  /**
   * The primed session the requests carry: the counter session, the 100 KB one of
   * {@link LARGE_SESSION}, or none (no cookie at all).
   */
  readonly session: 'small' | 'large' | 'none';
  readonly description: string;
}

export const ROUTES: readonly Route[] = [
  { path: '/read', method: 'GET', session: 'small', description: 'reads the counter, changes nothing' },
  { path: '/write', method: 'POST', session: 'small', description: 'increments the counter' },
  { path: '/nocookie', method: 'GET', session: 'none', description: 'no cookie, session untouched' },
  {
    path: '/large/read',
    method: 'GET',
    session: 'large',
    description: '100 KB session of 200 keys, reads one key',
  },
  {
    path: '/large/write',
    method: 'POST',
    session: 'large',
    description: '100 KB session of 200 keys, changes one key',
  },
];

export type RoutePath = Route['path'];

/** Not measured: creates the large session that `/large/read` and `/large/write` use. */
export const LARGE_INIT_PATH = '/large/init';

/**
 * The large session: `count` (the key `/large/write` changes) and 199 filler keys of 500 characters,
 * about 100 KB as JSON. Every server builds it from here, so all libraries store the same data.
 */
export const LARGE_SESSION = {
  keys: 200,
  fillerLength: 500,
  /** The filler key `/large/read` reports the length of, to show the whole session was loaded. */
  lastKey: 'k199',
} as const;

/** The large session's entries, `count` first. */
export function largeSessionEntries(): [string, number | string][] {
  const entries: [string, number | string][] = [['count', 0]];
  for (let index = 1; index < LARGE_SESSION.keys; index++) {
    const key = `k${String(index).padStart(3, '0')}`;
    entries.push([key, `${key}:`.padEnd(LARGE_SESSION.fillerLength, 'x')]);
  }
  return entries;
}
