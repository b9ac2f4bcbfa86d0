#!/usr/bin/env bash
# Makes sure MariaDB (or MySQL) and Redis answer on 127.0.0.1, installing and starting them on a
# Debian machine where they are missing, and that the database user the project uses exists.
# Services that already answer are left alone.
set -euo pipefail

DB_USER=${LINLI_DB_USER:-linli}
DB_PASS=${LINLI_DB_PASSWORD:-linli}
MYSQL_PORT=${LINLI_MYSQL_PORT:-3306}
REDIS_PORT=${LINLI_REDIS_PORT:-6379}

say() { echo "services: $*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

redis_up() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
mysql_client() { command -v mariadb 2>/dev/null || command -v mysql 2>/dev/null; }
db_user_ok() {
  local c; c=$(mysql_client) || return 1
  "$c" -h 127.0.0.1 -P "$MYSQL_PORT" -u "$DB_USER" -p"$DB_PASS" -e 'SELECT 1' >/dev/null 2>&1
}

apt_updated=0
install() {
  if ! command -v apt-get >/dev/null; then
    say "cannot install $* here (no apt-get): install it yourself, or use docker compose up"
    exit 1
  fi
  if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  say "installing $*"
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

wait_for() { # what, test command...
  local what=$1; shift
  for _ in $(seq 1 60); do "$@" && return 0; sleep 0.5; done
  say "$what did not come up"; exit 1
}

# Redis
if ! redis_up; then
  command -v redis-server >/dev/null || install redis-server
  command -v redis-cli >/dev/null || install redis-tools
  say "starting redis-server on 127.0.0.1:$REDIS_PORT"
  mkdir -p /tmp/linli-redis
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir /tmp/linli-redis --logfile /tmp/linli-redis/redis.log
  wait_for redis redis_up
fi

# MariaDB
if ! port_open "$MYSQL_PORT"; then
  command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || [ -x /usr/sbin/mysqld ] || install mariadb-server
  say "starting MariaDB"
  if [ -x /usr/sbin/mariadbd ]; then
    as_root mkdir -p /run/mysqld && as_root chown mysql:mysql /run/mysqld 2>/dev/null || true
    as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
  else
    as_root service mariadb start || as_root service mysql start
  fi
  wait_for mariadb port_open "$MYSQL_PORT"
  sleep 1
fi

if ! db_user_ok; then
  client=$(mysql_client) || { install mariadb-client; client=$(mysql_client); }
  sql="CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASS';
CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
CREATE USER IF NOT EXISTS '$DB_USER'@'::1' IDENTIFIED BY '$DB_PASS';
GRANT ALL PRIVILEGES ON \`linli%\`.* TO '$DB_USER'@'localhost';
GRANT ALL PRIVILEGES ON \`linli%\`.* TO '$DB_USER'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`linli%\`.* TO '$DB_USER'@'::1';
FLUSH PRIVILEGES;"
  say "creating database user $DB_USER"
  # root logs in with an empty password over TCP on some machines, only through the socket
  # (as the system's root) on a fresh Debian install.
  if ! "$client" -h 127.0.0.1 -P "$MYSQL_PORT" -uroot -e "$sql" 2>/dev/null; then
    as_root "$client" -uroot -e "$sql"
  fi
  wait_for "database user $DB_USER" db_user_ok
fi
