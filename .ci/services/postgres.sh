# PostgreSQL for the SQL session store's tests: the machine's own server (Debian's postgresql),
# installed and started only when missing, with a database named `test` on 127.0.0.1:5432.
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "installing postgresql"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/tmp/tina4-apt.log 2>&1 || { cat /tmp/tina4-apt.log >&2; false; }
fi
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
  for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
fi

# The machine kind trusts local TCP connections; a fresh Debian install wants a password instead,
# so one is set (over the Unix socket, as the postgres OS user) when trust is not in force.
pg_url=postgres://postgres@127.0.0.1:5432
if ! psql -w -h 127.0.0.1 -U postgres -d postgres -tAc 'select 1' >/dev/null 2>&1; then
  if ! PGPASSWORD=postgres psql -w -h 127.0.0.1 -U postgres -d postgres -tAc 'select 1' >/dev/null 2>&1; then
    runuser -u postgres -- psql -q -c "ALTER USER postgres PASSWORD 'postgres'"
  fi
  pg_url=postgres://postgres:postgres@127.0.0.1:5432
fi
if [ "$(psql -w "$pg_url/postgres" -tAc "select 1 from pg_database where datname = 'test'")" != 1 ]; then
  psql -w -q "$pg_url/postgres" -c 'CREATE DATABASE test'
fi

export TINA4_TEST_POSTGRES_URL="$pg_url/test"
unset pg_url
require_backend postgres
