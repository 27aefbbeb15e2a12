# Valkey for @tina4/session-valkey on 127.0.0.1:6380, beside Redis. Debian 12 ships valkey-server
# only in bookworm-backports, so that suite is added when no configured suite has the package.
# Sourced by .ci/run (set -euo pipefail in force); idempotent: installs and starts only what is missing.

if ! command -v valkey-server >/dev/null 2>&1 || ! command -v valkey-cli >/dev/null 2>&1; then
  echo "installing valkey-server"
  apt-get update -qq >/dev/null
  valkey_suite=()
  if ! apt-cache policy valkey-server 2>/dev/null | grep 'Candidate: [0-9]' >/dev/null; then
    valkey_codename=$(sed -n 's/^VERSION_CODENAME=//p' /etc/os-release 2>/dev/null || true)
    valkey_mirror=$(sed -n 's/^URIs: //p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1 || true)
    printf 'Types: deb\nURIs: %s\nSuites: %s-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "${valkey_mirror:-http://deb.debian.org/debian}" "${valkey_codename:-bookworm}" \
      >"/etc/apt/sources.list.d/${valkey_codename:-bookworm}-backports.sources"
    apt-get update -qq >/dev/null
    valkey_suite=(-t "${valkey_codename:-bookworm}-backports")
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${valkey_suite[@]}" valkey-server >/dev/null
fi

if ! valkey-cli -h 127.0.0.1 -p 6380 ping >/dev/null 2>&1; then
  echo "starting valkey-server on 127.0.0.1:6380"
  valkey-server --daemonize yes --bind 127.0.0.1 --port 6380 --save '' --appendonly no --dir /tmp \
    --pidfile /tmp/valkey-6380.pid >/dev/null
  for _ in $(seq 1 50); do
    valkey-cli -h 127.0.0.1 -p 6380 ping >/dev/null 2>&1 && break
    sleep 0.1
  done
fi
valkey-cli -h 127.0.0.1 -p 6380 ping >/dev/null # fails the run when Valkey did not come up
echo "valkey $(valkey-cli -h 127.0.0.1 -p 6380 info server | tr -d '\r' | sed -n 's/^valkey_version://p') on 127.0.0.1:6380"

export TINA4_TEST_VALKEY_URL=redis://127.0.0.1:6380
require_backend valkey
