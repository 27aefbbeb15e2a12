import { fileURLToPath } from 'node:url';
import { readEnvFile, type SessionOptions } from '@tina4/session-core';
import { type SessionMiddleware, sessions } from '@tina4/session-core/express';
import express, { type Express } from 'express';
import { requireFormToken } from './auth/csrf.js';
import { type AppMode, resolveJwtSecret } from './auth/jwt-secret.js';
import { RememberMe } from './auth/remember-me.js';
import { cartRoutes } from './cart/cart-routes.js';
import { bodyParsing } from './http/body-parsing.js';
import { errorHandler, notFound } from './http/error-handler.js';
import { authRoutes } from './routes/auth.js';
import { preferencesRoutes } from './routes/preferences.js';
import { visitCounterRoutes } from './routes/visit-counter.js';
import { useTemplates } from './views/templates.js';

export interface AppOptions {
  /** Session settings given in code; they override `TINA4_SESSION_*` and `.env` (tests use `path`). */
  session?: SessionOptions;
  /** The variables the app reads (`NODE_ENV`, `TINA4_JWT_SECRET`); default: the environment over `.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Where warnings and failures go (default `console`). */
  logger?: Pick<Console, 'warn' | 'error'>;
}

/** The Express app, plus its session middleware so that the owner can await the store and close it. */
export type CartApp = Express & { readonly sessions: SessionMiddleware };

const TEMPLATES = fileURLToPath(new URL('../templates', import.meta.url));
const PUBLIC = fileURLToPath(new URL('../public', import.meta.url));

/**
 * The example shop: the chapter's cart, visit counter, preferences and login with remember-me on
 * `@tina4/session-core` sessions. Throws at start-up on bad configuration (an invalid
 * `TINA4_SESSION_*` value, or no `TINA4_JWT_SECRET` in production).
 */
export function createApp(options: AppOptions = {}): CartApp {
  const env = options.env ?? { ...readEnvFile(), ...process.env };
  const logger = options.logger ?? console;
  const mode = appMode(env.NODE_ENV);
  const rememberMe = new RememberMe({
    secret: resolveJwtSecret(env, mode, logger),
    secure: mode !== 'development',
  });
  // Given variables replace the environment for the sessions too, so that tests are hermetic.
  const sessionMiddleware = sessions({
    logger,
    ...(options.env && { env: { ...options.env }, envFile: false as const }),
    ...options.session,
  });

  const app = express();
  app.disable('x-powered-by');
  useTemplates(app, TEMPLATES, { watch: mode === 'development' });

  // Static files need no session: they are served before it is loaded.
  app.use('/static', express.static(PUBLIC, { maxAge: mode === 'development' ? 0 : '1h' }));
  app.use(bodyParsing());
  app.use(sessionMiddleware);
  app.use(rememberMe.restore());
  app.use(requireFormToken());

  app.get('/', (_req, res) => res.redirect('/cart'));
  app.use(cartRoutes());
  app.use(visitCounterRoutes());
  app.use(preferencesRoutes());
  app.use(authRoutes(rememberMe));

  app.use(notFound());
  app.use(errorHandler(logger));
  return Object.assign(app, { sessions: sessionMiddleware });
}

/** Development unless NODE_ENV says otherwise; `test` behaves like development. */
function appMode(nodeEnv: string | undefined): AppMode {
  return nodeEnv === undefined || nodeEnv === '' || nodeEnv === 'development' || nodeEnv === 'test'
    ? 'development'
    : 'production';
}
