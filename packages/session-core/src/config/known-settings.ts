/**
 * Every `TINA4_SESSION_*` variable that this project's packages read, the core's and the backends'
 * (with the names Tina4 documents as aliases), so that a misspelt one can be reported with the
 * closest real name instead of being ignored in silence. A test checks it against the sources.
 */
export const KNOWN_SESSION_VARIABLES: ReadonlySet<string> = new Set(
  [
    // The core
    'BACKEND',
    'TTL',
    'NAME',
    'SECURE',
    'TRUST_PROXY',
    'HTTPONLY',
    'SAMESITE',
    'DOMAIN',
    'PATH',
    'LOCK',
    'LOCK_WAIT',
    'STORE_TIMEOUT',
    'REQUIRE_STORE',
    'MAX_BYTES',
    'MAX_SESSIONS',
    'SECRET',
    // Redis and Valkey
    'URL',
    'HOST',
    'PORT',
    'USERNAME',
    'PASSWORD',
    'DB',
    'PREFIX',
    'TLS',
    'SENTINELS',
    'SENTINEL_NAME',
    'CLUSTER',
    'NEAR_CACHE',
    'NEAR_CACHE_MAX_BYTES',
    ...['HOST', 'PORT', 'PASSWORD', 'PREFIX', 'DB'].flatMap((name) => [`REDIS_${name}`, `VALKEY_${name}`]),
    // MongoDB
    'DATABASE',
    'COLLECTION',
    ...['URI', 'URL', 'HOST', 'PORT', 'USERNAME', 'PASSWORD', 'DB', 'COLLECTION'].map(
      (name) => `MONGO_${name}`,
    ),
    // SQL databases
    'TABLE',
    'REAP_INTERVAL',
    'REAP_PROBABILITY',
    'POOL_SIZE',
  ].map((name) => `TINA4_SESSION_${name}`),
);

/** The known variable closest to `name` (fewest single-character edits), for "did you mean". */
export function closestSessionVariable(name: string): string {
  let best = '';
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const known of KNOWN_SESSION_VARIABLES) {
    const distance = editDistance(name, known);
    if (distance < bestDistance) {
      best = known;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance, in one row of memory. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}
