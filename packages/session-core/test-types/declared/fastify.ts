import fastifyCookie from '@fastify/cookie';
import { sessions } from '@tina4/session-core/fastify';
import Fastify from 'fastify';

// @fastify/cookie and the sessions together, in either order, type-check with skipLibCheck off.
const app = Fastify();
await app.register(sessions);
await app.register(fastifyCookie);
app.get('/', async (request, reply) => {
  const id: number | undefined = request.session.get('user_id');
  // @ts-expect-error: an undeclared key
  request.session.set('visits', 1);
  const theme: string | undefined = request.cookies.theme;
  reply.setCookie('theme', theme ?? 'light', { maxAge: 3600 });
  return { id };
});
