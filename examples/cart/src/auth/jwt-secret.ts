import { randomBytes } from 'node:crypto';

/** Shortest secret accepted: HS256 wants a key at least as long as its 256-bit output. */
const MIN_SECRET_LENGTH = 32;

/** Whether secrets may be generated (development) or must be configured (production). */
export type AppMode = 'development' | 'production';

/**
 * The key that signs remember-me tokens, from `TINA4_JWT_SECRET`. Without it, development gets a
 * random key for this process (with a warning: remember-me cookies then end with the process);
 * production refuses to start, because a generated key would log everyone out on every restart
 * and differ between servers.
 */
export function resolveJwtSecret(
  env: Readonly<Record<string, string | undefined>>,
  mode: AppMode,
  logger: Pick<Console, 'warn'>,
): Uint8Array {
  const configured = env.TINA4_JWT_SECRET?.trim();
  if (configured) {
    if (configured.length < MIN_SECRET_LENGTH) {
      throw new Error(
        `TINA4_JWT_SECRET is too short (${configured.length} characters). Use at least ${MIN_SECRET_LENGTH} random ` +
          'characters, e.g. the output of `openssl rand -base64 48`.',
      );
    }
    return new TextEncoder().encode(configured);
  }
  if (mode === 'production') {
    throw new Error(
      'TINA4_JWT_SECRET is not set. In production (NODE_ENV=production) the remember-me tokens need a fixed secret: ' +
        'set TINA4_JWT_SECRET in the environment or .env to at least 32 random characters (`openssl rand -base64 48`).',
    );
  }
  logger.warn(
    '[cart] TINA4_JWT_SECRET is not set: using a random secret for this process, so remember-me cookies stop ' +
      'working when it restarts. Set TINA4_JWT_SECRET in .env to keep them (`openssl rand -base64 48`).',
  );
  return randomBytes(48);
}
