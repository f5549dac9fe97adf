#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for the tests on 127.0.0.1, under var/postgres, and print its
# URL. `scripts/postgres.sh stop` stops it. PostgreSQL refuses to run as root, so as root the
# cluster belongs to the `postgres` system user that Debian's package creates.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${TEST_POSTGRESQL_PORT:-55432}"
data="$PWD/var/postgres"
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ]; then
  echo "PostgreSQL is not installed: apt-get install postgresql (Debian) or set TEST_POSTGRESQL_URL" >&2
  exit 1
fi
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "${1:-start}" = stop ]; then
  [ -f "$data/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$data" -m fast stop >/dev/null 2>&1 || true
  exit 0
fi
mkdir -p "$data"
[ "$(id -u)" -eq 0 ] && chown postgres "$data" && chmod 700 "$data"
if [ ! -f "$data/PG_VERSION" ]; then
  as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >/dev/null
fi
if ! as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "Port $port on 127.0.0.1 is taken by another server: stop it, or choose another port with" \
      "TEST_POSTGRESQL_PORT (or give a server with TEST_POSTGRESQL_URL)." >&2
    exit 1
  fi
  as_owner "$bin/pg_ctl" -D "$data" -w -l "$data/server.log" \
    -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='' -c fsync=off" start >/dev/null
fi
echo "postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
