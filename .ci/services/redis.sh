# Redis for @tina4/session-redis: the server on 6379 that the compliance suite uses, plus the
# redis-server/redis-cli binaries that the Cluster, Sentinel and outage tests start privately.
# Sourced by .ci/run (set -euo pipefail in force); idempotent: starts only what is not answering.

if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
  echo "installing redis-server"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server redis-tools >/dev/null
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "starting redis-server on 127.0.0.1:6379"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no --dir /tmp >/dev/null
  for _ in $(seq 1 50); do
    redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break
    sleep 0.1
  done
fi
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null # fails the run when Redis did not come up
echo "redis $(redis-cli -h 127.0.0.1 -p 6379 info server | tr -d '\r' | sed -n 's/^redis_version://p') on 127.0.0.1:6379"

export TINA4_TEST_REDIS_URL=redis://127.0.0.1:6379
require_backend redis
