# A MongoDB-protocol server on 127.0.0.1:27017 for @tina4/session-mongodb and the cart example.
# There is no MongoDB on this machine: unless something already answers on 27017 (a real mongod,
# which is then used as it is), this starts jongodb, a MongoDB-compatible stand-in server, NOT
# MongoDB: the native binary of the root devDependency @jongodb/memory-server-bin-linux-x64-gnu
# (pinned, installed by `pnpm install --frozen-lockfile`; in memory, no download). It has no TTL
# monitor, ignores projections and lacks dropDatabase/drop/listCollections: the tests detect it by
# its buildInfo version (`...-jongodb`) and say what they skip on it.
# Sourced by .ci/run (set -euo pipefail in force); idempotent: starts only what is not answering.

mongo_port=27017
mongo_binary=node_modules/@jongodb/memory-server-bin-linux-x64-gnu/bin/jongodb
mongo_log=/tmp/tina4-jongodb-$mongo_port.log

# Prints the server's buildInfo version when a MongoDB-protocol server answers `hello` on the port
# (the repository's mongodb driver, as installed for @tina4/test-servers); fails otherwise.
mongo_version() {
  node --input-type=module -e "
    import { createRequire } from 'node:module';
    const { MongoClient } = createRequire('$PWD/packages/test-servers/package.json')('mongodb');
    const client = new MongoClient('mongodb://127.0.0.1:$mongo_port/?directConnection=true',
      { serverSelectionTimeoutMS: 1000, connectTimeoutMS: 1000 });
    try {
      await client.db('admin').command({ hello: 1 });
      console.log((await client.db('admin').command({ buildInfo: 1 })).version);
    } finally {
      await client.close();
    }
  " 2>/dev/null
}

if ! mongo_version >/dev/null; then
  if [ ! -x "$mongo_binary" ]; then
    echo "$mongo_binary is missing: run pnpm install (the stand-in is built for Linux x64 with glibc only)" >&2
    false
  fi
  echo "starting jongodb (MongoDB-compatible stand-in) on 127.0.0.1:$mongo_port, log in $mongo_log"
  # Detached (own session, no terminal), so that it outlives this script like the other servers.
  setsid "$mongo_binary" --host=127.0.0.1 "--port=$mongo_port" </dev/null >"$mongo_log" 2>&1 &
  for _ in $(seq 1 50); do
    mongo_version >/dev/null && break
    sleep 0.2
  done
fi
# Fails the run when nothing came up.
mongo_server_version=$(mongo_version) || { echo "no MongoDB-protocol server answers on 127.0.0.1:$mongo_port (see $mongo_log)" >&2; false; }
case "$mongo_server_version" in
  *-jongodb) echo "mongodb: jongodb stand-in (buildInfo $mongo_server_version), not MongoDB, on 127.0.0.1:$mongo_port" ;;
  *) echo "mongodb $mongo_server_version on 127.0.0.1:$mongo_port" ;;
esac

export TINA4_TEST_MONGODB_URL=mongodb://127.0.0.1:$mongo_port
unset -f mongo_version
unset mongo_port mongo_binary mongo_log mongo_server_version
require_backend mongodb
