import { MongoClient } from 'mongodb';

/**
 * What answers on the MongoDB URL, for the report: jongodb (the stand-in `.ci/services/mongodb.sh`
 * starts on the project's machines) names itself in `buildInfo` (`8.0.0-jongodb`). Undefined when
 * nothing answers.
 */
export async function mongodbServerVersion(url: string): Promise<string | undefined> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 2000, connectTimeoutMS: 2000 });
  try {
    const info = await client.db('admin').command({ buildInfo: 1 });
    return typeof info.version === 'string' ? info.version : 'unknown version';
  } catch {
    return undefined;
  } finally {
    await client.close().catch(() => {});
  }
}

/** The note the report prints under tables with MongoDB rows, when the server is the stand-in. */
export function mongodbStandInNote(version: string | undefined): string | undefined {
  if (version === undefined || !version.endsWith('-jongodb')) return undefined;
  return (
    `MongoDB rows (marked "on jongodb") ran on jongodb ${version}, a MongoDB-compatible stand-in ` +
    'server, not MongoDB: it serves one request at a time for all its clients, so these rows measure ' +
    'its queue as much as either session library, and say nothing of MongoDB itself.'
  );
}
