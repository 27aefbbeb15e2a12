import { closestSessionVariable, KNOWN_SESSION_VARIABLES } from '../config/known-settings.js';
import type { SessionConfig } from '../config/session-config.js';

/** Warnings already given in this process: each is given once, however many apps start. */
const given = new Set<string>();

/**
 * Warns, once per process, about settings that work but are probably a mistake: a `TINA4_SESSION_*`
 * variable that nothing reads (a typo, named with the closest real one), and in production
 * (`NODE_ENV=production`) the memory store, or a session cookie without `Secure`.
 */
export function warnAboutSettings(config: SessionConfig): void {
  const warn = (message: string): void => {
    if (given.has(message)) return;
    given.add(message);
    config.logger.warn(`[tina4-session] ${message}`);
  };
  for (const name of Object.keys(config.env)) {
    if (name.startsWith('TINA4_SESSION_') && !KNOWN_SESSION_VARIABLES.has(name)) {
      warn(
        `${name} is not a setting of Tina4 Sessions and is ignored. Did you mean ${closestSessionVariable(name)}?`,
      );
    }
  }
  if (config.env.NODE_ENV !== 'production') return;
  if (config.backend === 'memory' && config.store === undefined) {
    warn(
      'TINA4_SESSION_BACKEND=memory in production: sessions are lost on every restart and not shared between ' +
        'processes. Use file (one server), redis, valkey, mongodb or database.',
    );
  }
  if (config.cookie.secure === false) {
    warn(
      'The session cookie is sent without Secure in production, so it also travels over plain HTTP. Set ' +
        'TINA4_SESSION_SECURE=true when the app is served over HTTPS, or TINA4_SESSION_SECURE=auto with ' +
        'TINA4_SESSION_TRUST_PROXY=true behind a TLS-terminating proxy.',
    );
  }
}
