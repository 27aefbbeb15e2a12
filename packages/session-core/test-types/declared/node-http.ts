import { createServer } from 'node:http';
import { type SessionRequest, type SessionResponse, sessions } from '@tina4/session-core/express';

const withSession = sessions();
createServer((req, res) =>
  withSession(req, res, () => {
    const { session, cookies } = req as SessionRequest;
    const id: number | undefined = session.get('user_id');
    // @ts-expect-error: cart holds items, not a string
    session.set('cart', 'nothing');
    const theme: string | undefined = cookies.theme;
    (res as SessionResponse)
      .clearCookie('theme')
      .cookie('seen', '1', { maxAge: 60_000 })
      .end(String(id ?? theme));
  }),
);
