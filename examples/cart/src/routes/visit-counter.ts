import { Router } from 'express';

/** The chapter's visit counter: a number in the session, one more on every request. */
export function visitCounterRoutes(): Router {
  const router = Router();
  router.get('/visit-counter', (req, res) => {
    const stored = req.session.get('visit_count', 0);
    const count = (typeof stored === 'number' ? stored : 0) + 1;
    req.session.set('visit_count', count);
    res.json({
      visit_count: count,
      message: `You have visited this page ${count} time${count === 1 ? '' : 's'}`,
    });
  });
  return router;
}
