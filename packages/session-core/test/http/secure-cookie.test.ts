import { describe, expect, it } from '@jest/globals';
import type { SessionOptions } from '../../src/index.js';
import { startExpressApp } from '../support/apps/express-app.js';
import { startFastifyApp } from '../support/apps/fastify-app.js';
import { startHonoApp } from '../support/apps/hono-app.js';

const ISOLATED: SessionOptions = { backend: 'memory', envFile: false, env: {}, secure: 'auto' };

async function sessionCookie(url: string, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(`${url}/visit-counter`, { headers });
  return response.headers.getSetCookie().find((line) => line.startsWith('tina4_session=')) ?? '';
}

describe.each([
  ['express', startExpressApp],
  ['fastify', startFastifyApp],
  ['hono', startHonoApp],
])('TINA4_SESSION_SECURE=auto through %s', (_name, start) => {
  it('marks the cookie Secure for HTTPS behind a trusted proxy only', async () => {
    const trusting = await start({ ...ISOLATED, trustProxy: true });
    const wary = await start({ ...ISOLATED, trustProxy: false });
    try {
      expect(await sessionCookie(trusting.url, { 'x-forwarded-proto': 'https' })).toMatch(/; Secure/);
      expect(await sessionCookie(trusting.url, { 'x-forwarded-proto': 'https, http' })).toMatch(/; Secure/);
      expect(await sessionCookie(trusting.url, { 'x-forwarded-proto': 'http' })).not.toMatch(/Secure/);
      expect(await sessionCookie(trusting.url)).not.toMatch(/Secure/);
      expect(await sessionCookie(wary.url, { 'x-forwarded-proto': 'https' })).not.toMatch(/Secure/);
    } finally {
      await trusting.close();
      await wary.close();
    }
  });
});
