import { type SessionEnv, sessions } from '@tina4/session-core/hono';
import { Hono } from 'hono';

const app = new Hono<SessionEnv>();
app.use(sessions());
app.get('/', (c) => {
  const session = c.get('session');
  const cart = session.get('cart', []);
  const quantity: number = cart.reduce((sum, item) => sum + item.quantity, 0);
  // @ts-expect-error: theme is 'light' or 'dark'
  session.set('theme', 'blue');
  return c.json({ quantity });
});
