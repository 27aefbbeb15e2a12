import type { SessionKey } from '@tina4/session-core';
import type { MongoDbLike, SessionDocument } from './mongo-like-client.js';

/**
 * Removes the live document of `key` and gives it back as it was stored, in one atomic step: the
 * first half of a regenerate. Resolves `undefined` (removing nothing) when `key` has no live
 * document; of two concurrent takes of one document, one gets it.
 *
 * It is the `findAndModify` command with `remove: true`, sent as written rather than through
 * `Collection.findOneAndDelete`: the command is the same on every server version, its reply
 * (`{ value, lastErrorObject }`) does not depend on the driver's version (driver 6 and 7 return
 * `findOneAndDelete`'s result in different shapes by default), and it leaves out the `new` and
 * `upsert` fields that the driver adds, which MongoDB ignores for a removal but some
 * MongoDB-compatible servers refuse.
 */
export async function takeSession(
  db: MongoDbLike,
  collectionName: string,
  key: SessionKey,
  maxTimeMS: number,
): Promise<SessionDocument | undefined> {
  const reply = await db.command({
    findAndModify: collectionName,
    query: { _id: key, expiresAt: { $gt: new Date() } },
    remove: true,
    maxTimeMS,
  });
  const value = reply.value as SessionDocument | null | undefined;
  return value ?? undefined;
}
