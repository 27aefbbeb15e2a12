import { ok } from 'node:assert/strict';
import { generateSessionId, sessionKeyOf } from '../session/session-id.js';
import { createRecord, type SuiteContext } from './fixtures.js';

export function describePrivacy(context: SuiteContext): void {
  context.runner.describe('privacy', () => {
    context.it('the backend holds the data of a session but never its raw id', async () => {
      const sessions = Array.from({ length: 3 }, () => {
        const id = generateSessionId();
        return { id, key: sessionKeyOf(id), marker: `marker-${generateSessionId()}` };
      });
      for (const { key, marker } of sessions)
        await createRecord(context.store(), key, { note: JSON.stringify(marker) });
      const dump = await context.backdoor.dump();
      for (const { id, marker } of sessions) {
        ok(dump.includes(marker), 'the dump holds the data');
        ok(!dump.includes(id), 'the dump does not hold the raw id');
      }
    });
  });
}
