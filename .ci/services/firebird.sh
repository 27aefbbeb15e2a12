# Firebird 3.0 (Debian's firebird3.0-server): installed when missing with the SYSDBA password
# preseeded, started the way its init script does (the image forbids maintainer scripts from
# starting services), and given the test database the SQL session store's tests use.
fb_password=masterkey
fb_database=/var/lib/firebird/3.0/data/tina4_test.fdb

if [ ! -x /usr/sbin/fbguard ]; then
  echo "installing firebird3.0-server"
  echo "firebird3.0-server shared/firebird/sysdba_password/first_install password $fb_password" | debconf-set-selections
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends firebird3.0-server >/tmp/tina4-apt.log 2>&1 ||
    { cat /tmp/tina4-apt.log >&2; false; }
fi
# An install that was not preseeded got a random password; Debian keeps it here.
if [ -r /etc/firebird/3.0/SYSDBA.password ]; then
  fb_password=$(sed -n 's/^ISC_PASSWORD="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' /etc/firebird/3.0/SYSDBA.password)
fi

fb_answering() { (exec 3<>/dev/tcp/127.0.0.1/3050) 2>/dev/null; }
if ! fb_answering; then
  install -d -m 0770 -o firebird -g firebird /run/firebird3.0
  start-stop-daemon --start --quiet --oknodo --chuid firebird --pidfile /run/firebird3.0/firebird.pid \
    --exec /usr/sbin/fbguard -- -daemon -forever -pidfile /run/firebird3.0/firebird.pid
  for _ in $(seq 1 60); do fb_answering && break; sleep 0.5; done
  fb_answering || { echo "Firebird did not start on 127.0.0.1:3050" >&2; false; }
fi

if [ ! -f "$fb_database" ]; then
  echo "CREATE DATABASE 'localhost:$fb_database' USER 'SYSDBA' PASSWORD '$fb_password' PAGE_SIZE 8192 DEFAULT CHARACTER SET UTF8;" |
    isql-fb -q
fi

# The URL's password is percent-encoded: a generated one may hold characters such as @ or /.
fb_password=$(node -p 'encodeURIComponent(process.argv[1])' "$fb_password")
export TINA4_TEST_FIREBIRD_URL="firebird://SYSDBA:$fb_password@127.0.0.1:3050/$fb_database"
unset -f fb_answering
unset fb_password fb_database
require_backend firebird
