import { request } from 'node:http';
import { afterEach, describe, expect, it } from '@jest/globals';
import { formTokenIn, startTestApp, type TestApp } from './support/test-app.js';

/**
 * Login attempts are limited: 5 failed attempts per 15 minutes per client (IP address) and per
 * email. The next attempt is answered 429 with Retry-After, as a readable page for the form and
 * as JSON for JSON clients, whether or not its password is right.
 */

const DEMO = { email: 'alice@example.com', password: 'tina4-demo' };

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** `POST /login` with a JSON body from the loopback address `from` (127.0.0.x), like another client. */
function jsonLoginFrom(url: string, from: string, body: unknown): Promise<Answer> {
  const target = new URL('/login', url);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        localAddress: from,
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode!, headers: response.headers, body: text }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

describe('login rate limiting', () => {
  it('answers the 6th failed form login of a client with a 429 page and Retry-After, even with the right password', async () => {
    app = await startTestApp();
    const jar = app.jar();
    for (let attempt = 1; attempt <= 5; attempt++) {
      const token = formTokenIn(await (await jar.page('/login')).text());
      const response = await jar.postForm('/login', {
        form_token: token,
        email: `shopper${attempt}@example.com`,
        password: 'guess',
      });
      expect([attempt, response.status]).toEqual([attempt, 303]);
    }
    const token = formTokenIn(await (await jar.page('/login')).text());
    const refused = await jar.postForm('/login', { form_token: token, ...DEMO });
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect(refused.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await refused.text();
    expect(html).toContain('Too many failed login attempts');
    expect(html).toContain('15 minutes');
    expect(html).toContain('<form method="POST" action="/login"'); // the page is still usable
    expect((await jar.page('/dashboard')).status).toBe(302);
  });

  it('limits an email across clients, and answers JSON clients with JSON', async () => {
    app = await startTestApp();
    for (let client = 2; client <= 6; client++) {
      const answer = await jsonLoginFrom(app.url, `127.0.0.${client}`, {
        email: DEMO.email,
        password: 'guess',
      });
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.body)).toEqual({ error: 'Invalid email or password' });
    }
    const refused = await jsonLoginFrom(app.url, '127.0.0.7', DEMO);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(800);
    expect(JSON.parse(refused.body)).toEqual({
      error: 'Too many failed login attempts. Please try again in 15 minutes.',
      retry_after: Number(refused.headers['retry-after']),
    });
    // Another email from a fresh client is not affected.
    const other = await jsonLoginFrom(app.url, '127.0.0.8', { email: 'bob@example.com', password: 'x' });
    expect(other.status).toBe(401);
  });

  it('limits a client across emails', async () => {
    app = await startTestApp();
    for (let attempt = 1; attempt <= 5; attempt++) {
      const answer = await jsonLoginFrom(app.url, '127.0.0.9', {
        email: `u${attempt}@example.com`,
        password: 'x',
      });
      expect(answer.status).toBe(401);
    }
    expect((await jsonLoginFrom(app.url, '127.0.0.9', DEMO)).status).toBe(429);
    // The same account from another client still logs in.
    const elsewhere = await jsonLoginFrom(app.url, '127.0.0.10', DEMO);
    expect(elsewhere.status).toBe(200);
    expect(JSON.parse(elsewhere.body)).toMatchObject({
      message: 'Welcome back, Alice!',
      user: { name: 'Alice' },
    });
  });

  it('a successful login clears the failures counted against the email', async () => {
    app = await startTestApp();
    for (let client = 11; client <= 14; client++) {
      await jsonLoginFrom(app.url, `127.0.0.${client}`, { email: DEMO.email, password: 'guess' });
    }
    expect((await jsonLoginFrom(app.url, '127.0.0.15', DEMO)).status).toBe(200);
    for (let client = 16; client <= 20; client++) {
      const answer = await jsonLoginFrom(app.url, `127.0.0.${client}`, {
        email: DEMO.email,
        password: 'guess',
      });
      expect(answer.status).toBe(401);
    }
  });
});
