/** The three routes every server has. */
export interface Route {
  readonly path: '/read' | '/write' | '/nocookie';
  readonly method: 'GET' | 'POST';
  /** Whether requests carry the primed session's cookie. */
  readonly withCookie: boolean;
  readonly description: string;
}

export const ROUTES: readonly Route[] = [
  { path: '/read', method: 'GET', withCookie: true, description: 'reads the counter, changes nothing' },
  { path: '/write', method: 'POST', withCookie: true, description: 'increments the counter' },
  { path: '/nocookie', method: 'GET', withCookie: false, description: 'no cookie, session untouched' },
];

export type RoutePath = Route['path'];
