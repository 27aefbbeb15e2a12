# MariaDB for the SQL session store's tests: the machine's own server (Debian's mariadb-server),
# installed and started only when missing; root with an empty password over TCP, database `test`.
if [ ! -x /usr/sbin/mariadbd ]; then
  echo "installing mariadb-server"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mariadb-server >/tmp/tina4-apt.log 2>&1 || { cat /tmp/tina4-apt.log >&2; false; }
fi
if ! mariadb-admin -h 127.0.0.1 -u root --silent ping >/dev/null 2>&1; then
  install -d -o mysql -g mysql /run/mysqld
  start-stop-daemon --start --quiet --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
  # Until root can log in over TCP, `ping` answers "access denied", which still means the server is up.
  for _ in $(seq 1 60); do mariadb-admin --protocol=socket -u root --silent ping >/dev/null 2>&1 && break; sleep 0.5; done
fi
if ! mariadb -h 127.0.0.1 -u root -e 'select 1' >/dev/null 2>&1; then
  mariadb --protocol=socket -u root -e \
    "ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('')"
fi
mariadb -h 127.0.0.1 -u root -e 'CREATE DATABASE IF NOT EXISTS test'

export TINA4_TEST_MARIADB_URL=mysql://root@127.0.0.1:3306/test
require_backend mariadb
