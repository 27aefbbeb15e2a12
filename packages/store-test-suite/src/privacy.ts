import { describe, expect, it } from '@jest/globals';
import { generateSessionId, sessionKeyOf } from '@tina4/session-core';
import { LONG_TTL_SECONDS, type SuiteContext, setFields } from './fixtures.js';

export function describePrivacy(context: SuiteContext): void {
  describe('privacy', () => {
    it('the backend holds the data of a session but never its raw id', async () => {
      const sessions = Array.from({ length: 3 }, () => {
        const id = generateSessionId();
        return { id, key: sessionKeyOf(id), marker: `marker-${generateSessionId()}` };
      });
      for (const { key, marker } of sessions) {
        await context.store().write(key, setFields({ note: JSON.stringify(marker) }), LONG_TTL_SECONDS);
      }
      const dump = await context.backdoor.dump();
      for (const { id, marker } of sessions) {
        expect(dump).toContain(marker);
        expect(dump).not.toContain(id);
      }
    });
  });
}
