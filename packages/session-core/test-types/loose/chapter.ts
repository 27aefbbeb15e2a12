// Without a declared SessionData, sessions are loose: the chapter's code compiles as written.
import { sessions } from '@tina4/session-core/express';
import express from 'express';

const app = express();
app.use(sessions());
app.get('/visit-counter', (req, res) => {
  const count = req.session.get('visit_count', 0) + 1;
  req.session.set('visit_count', count);
  req.session.set('anything', { nested: [1, 'two', null] });
  const id: string | null = req.session.regenerate();
  res.json({ visit_count: count, id });
});
