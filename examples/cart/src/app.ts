import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readEnvFile, type SessionOptions } from '@tina4/session-core';
import { type SessionMiddleware, sessions } from '@tina4/session-core/express';
import express, { type Express } from 'express';
import { FormTokens } from './auth/csrf.js';
import { type AppMode, resolveJwtSecret } from './auth/jwt-secret.js';
import { DEFAULT_LOGIN_LIMIT, type LoginLimit, LoginLimiter } from './auth/login-limiter.js';
import { RememberMe } from './auth/remember-me.js';
import { RememberTokenStore } from './auth/remember-store.js';
import { cartRoutes } from './cart/cart-routes.js';
import { noteSessionAtStart } from './cart/expired-session.js';
import { bodyParsing } from './http/body-parsing.js';
import { errorHandler, notFound } from './http/error-handler.js';
import { authRoutes } from './routes/auth.js';
import { preferencesRoutes } from './routes/preferences.js';
import { signedInSessionsRoutes } from './routes/signed-in-sessions.js';
import { visitCounterRoutes } from './routes/visit-counter.js';
import { useFormTokens } from './views/render-page.js';
import { useTemplates } from './views/templates.js';

export interface AppOptions {
  /** Session settings given in code; they override `TINA4_SESSION_*` and `.env` (tests use `path`). */
  session?: SessionOptions;
  /** The variables the app reads (`NODE_ENV`, `TINA4_JWT_SECRET`, `CART_DATA_DIR`); default: the environment over `.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Where warnings and failures go (default `console`). */
  logger?: Pick<Console, 'warn' | 'error'>;
  /**
   * The app's own data directory: the remember-me tokens (`remember-tokens.json`) and, in
   * development without `TINA4_JWT_SECRET`, the form-token key. Default: `CART_DATA_DIR`, else
   * `examples/cart/data`.
   */
  dataDir?: string;
  /** Failed logins allowed per client and per email, and over what window (default 5 per 15 minutes). */
  loginLimit?: LoginLimit;
  /**
   * How long (ms) after a remember-me token was used it may be used again without counting as a
   * copy: the same browser's parallel requests (default 10 s).
   */
  rememberMeReuseLeewayMs?: number;
}

/** The Express app, plus its session middleware so that the owner can await the store and close it. */
export type CartApp = Express & { readonly sessions: SessionMiddleware };

export const TEMPLATES_DIR = fileURLToPath(new URL('../templates', import.meta.url));
export const PUBLIC_DIR = fileURLToPath(new URL('../public', import.meta.url));
const DEFAULT_DATA_DIR = fileURLToPath(new URL('../data', import.meta.url));

/**
 * The example shop: the chapter's cart, visit counter, preferences and login with remember-me on
 * `@tina4/session-core` sessions. Throws at start-up on bad configuration (an invalid
 * `TINA4_SESSION_*` value, or no `TINA4_JWT_SECRET` in production).
 */
export function createApp(options: AppOptions = {}): CartApp {
  const env = options.env ?? { ...readEnvFile(), ...process.env };
  const logger = options.logger ?? console;
  const mode = appMode(env.NODE_ENV);
  const secure = mode !== 'development';
  const dataDir = resolve(options.dataDir ?? (env.CART_DATA_DIR?.trim() || DEFAULT_DATA_DIR));
  const jwtSecret = resolveJwtSecret(env, mode, logger);
  // Given variables replace the environment for the sessions too, so that tests are hermetic.
  // Created before anything is written to the data directory: a bad setting fails first.
  const sessionMiddleware = sessions({
    logger,
    ...(options.env && { env: { ...options.env }, envFile: false as const }),
    ...options.session,
  });
  const rememberMe = new RememberMe({
    secret: jwtSecret,
    secure,
    store: new RememberTokenStore(dataDir, logger, options.rememberMeReuseLeewayMs ?? 10_000),
    logger,
  });
  const formTokens = new FormTokens({
    secret: formTokenKey(env, jwtSecret, dataDir),
    secure,
  });
  const limiter = new LoginLimiter(options.loginLimit ?? DEFAULT_LOGIN_LIMIT);

  const app = express();
  app.disable('x-powered-by');
  // Templates are re-read on every request while developing (edits show on reload), not under tests.
  useTemplates(app, TEMPLATES_DIR, { watch: mode === 'development' && env.NODE_ENV !== 'test' });
  useFormTokens(app, formTokens);

  // Static files need no session: they are served before it is loaded.
  app.use('/static', express.static(PUBLIC_DIR, { maxAge: mode === 'development' ? 0 : '1h' }));
  app.use(bodyParsing());
  app.use(sessionMiddleware);
  app.use(noteSessionAtStart());
  // A refused form post must not get as far as a remember-me login (which replaces the token).
  app.use(formTokens.middleware());
  app.use(rememberMe.restore());

  app.get('/', (_req, res) => res.redirect('/cart'));
  app.use(cartRoutes());
  app.use(visitCounterRoutes());
  app.use(preferencesRoutes());
  app.use(authRoutes({ rememberMe, formTokens, limiter }));
  app.use(signedInSessionsRoutes({ rememberMe }));

  app.use(notFound());
  app.use(errorHandler(logger));
  return Object.assign(app, { sessions: sessionMiddleware });
}

/**
 * The key that signs form tokens. With `TINA4_JWT_SECRET` set: derived from it (HMAC with a label
 * of its own, so the two uses never share a key), the same on every server. Without it
 * (development only): a random key kept in the data directory, so that the forms of pages left
 * open survive a restart (`pnpm dev` restarts on every change).
 */
function formTokenKey(
  env: Readonly<Record<string, string | undefined>>,
  jwtSecret: Uint8Array,
  dataDir: string,
): string {
  if (env.TINA4_JWT_SECRET?.trim()) {
    return createHmac('sha256', jwtSecret).update('tina4-cart form tokens').digest('base64url');
  }
  const file = join(dataDir, 'form-token-key');
  try {
    const stored = readFileSync(file, 'utf8').trim();
    if (stored.length >= 43) return stored;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32).toString('base64url');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

/** Development unless NODE_ENV says otherwise; `test` behaves like development. */
function appMode(nodeEnv: string | undefined): AppMode {
  return nodeEnv === undefined || nodeEnv === '' || nodeEnv === 'development' || nodeEnv === 'test'
    ? 'development'
    : 'production';
}
