import {
  RequestSession,
  resolveSessionConfig,
  SessionManager,
  type SessionStore,
  sessionKeyOf,
} from '@tina4/session-core';

/** Sessions started by {@link startSessions}: their ids, and the keys the store files them under. */
export interface StartedSessions {
  readonly ids: string[];
  readonly keys: string[];
}

/**
 * Starts `count` sessions on `store` through the public API, one request each, as an app would;
 * with `userId`, each is bound to that user (`req.session.setUser`).
 */
export async function startSessions(
  store: SessionStore,
  count: number,
  userId?: string,
): Promise<StartedSessions> {
  const manager = new SessionManager(resolveSessionConfig({ envFile: false, env: {} }), store);
  const ids: string[] = [];
  for (let visit = 0; visit < count; visit++) {
    const request = await RequestSession.begin(manager, undefined, false);
    request.session.set('visit', visit);
    if (userId !== undefined) request.session.setUser(userId);
    ids.push(request.session.getSessionId()!);
    await request.finish();
    await request.release();
  }
  return { ids, keys: ids.map(sessionKeyOf) };
}
