import { sessions } from '@tina4/session-core/express';
import express from 'express';

const app = express();
app.use(sessions());
app.get('/', (req, res) => {
  const id: number | undefined = req.session.get('user_id');
  const cart: { product_id: number; quantity: number }[] = req.session.get('cart', []);
  req.session.set('user_id', 42);
  req.session.set('theme', 'dark');
  // @ts-expect-error: user_id is a number
  req.session.set('user_id', 'forty-two');
  // @ts-expect-error: an undeclared key
  req.session.get('visit_count');
  // Express's own types declare req.cookies as `any`; it holds strings all the same.
  const cookies: Record<string, string> = req.cookies;
  res.json({ id, cart, cookies });
});
