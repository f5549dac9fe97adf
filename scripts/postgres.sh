#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for the tests on 127.0.0.1 and print its URL.
#   scripts/postgres.sh [start]   start this clone's server (or find it running), print its URL
#   scripts/postgres.sh status    print its URL if it is running; exit 3 if it is not
#   scripts/postgres.sh stop      stop it
#   scripts/postgres.sh remove    stop it and delete its data
#
# PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` system user
# that Debian's package creates. That user may not be able to enter the clone (a clone under a
# mode-700 folder), so the cluster lives in /tmp/advisor-postgres-<hash>, mode 700, the hash taken
# of the user, the clone's path and TEST_POSTGRESQL_PORT if set: each clone (and each port asked
# for) has a cluster of its own.
#
# The port is TEST_POSTGRESQL_PORT if set; otherwise the one this clone's server used last if it is
# still free, else the first free one from 55432, so two clones on one machine never share a server.
set -euo pipefail
cd "$(dirname "$0")/.."
clone=$(pwd -P)
command=${1:-start}
case "$command" in
  start | status | stop | remove) ;;
  *) echo "usage: scripts/postgres.sh [start|status|stop|remove]" >&2; exit 2 ;;
esac

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ]; then
  echo "PostgreSQL is not installed: apt-get install postgresql (Debian) or set TEST_POSTGRESQL_URL" >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  if ! id -u postgres >/dev/null 2>&1; then
    echo "As root the test server runs as the 'postgres' system user, which does not exist:" \
      "apt-get install postgresql (Debian), run as another user, or set TEST_POSTGRESQL_URL" >&2
    exit 1
  fi
  owner=postgres
else
  owner=$(id -un)
fi
# From / : the owner may not be allowed into the current folder.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

asked_port=${TEST_POSTGRESQL_PORT:-}
if [ -n "$asked_port" ] && ! { [[ "$asked_port" =~ ^[0-9]{1,5}$ ]] &&
  [ "$asked_port" -ge 1024 ] && [ "$asked_port" -le 65535 ]; }; then
  echo "TEST_POSTGRESQL_PORT: '$asked_port' is not a port number from 1024 to 65535" >&2
  exit 1
fi
hash=$(printf '%s\n' "$(id -u)" "$clone" "$asked_port" | sha256sum | cut -c1-16)
data="/tmp/advisor-postgres-$hash"
stop_command="${asked_port:+TEST_POSTGRESQL_PORT=$asked_port }$clone/scripts/postgres.sh stop"

# One start or stop at a time on this machine, so two clones cannot both pick the same free port.
lock=/tmp/advisor-postgres.lock
[ -e "$lock" ] || (umask 022 && : >>"$lock")
exec 9<"$lock"
if ! flock -w 120 9; then
  echo "Another scripts/postgres.sh has held $lock for 2 minutes: wait for it, or end it" >&2
  exit 1
fi

running() { [ -f "$data/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [ "$command" = status ]; then
  if running; then
    echo "postgresql+psycopg://postgres@127.0.0.1:$(sed -n 4p "$data/postmaster.pid")/postgres"
    exit 0
  fi
  exit 3
fi

if [ "$command" != start ]; then
  if running; then as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null; fi
  if [ "$command" = remove ] && [ -d "$data" ] && [ ! -L "$data" ]; then rm -rf "$data"; fi
  exit 0
fi

# The clone and the stop command of the test server of any clone listening on port $1.
holder() {
  local pid_file
  for pid_file in /tmp/advisor-postgres-*/postmaster.pid; do
    [ -r "$pid_file" ] && [ "$(sed -n 4p "$pid_file" 2>/dev/null)" = "$1" ] || continue
    printf 'the test PostgreSQL server of the clone at %s (stop it with `%s`)' \
      "$(cat "$(dirname "$pid_file")/advisor-clone" 2>/dev/null || echo '?')" \
      "$(cat "$(dirname "$pid_file")/advisor-stop" 2>/dev/null || echo '?')"
    return 0
  done
  return 1
}

if running; then
  echo "postgresql+psycopg://postgres@127.0.0.1:$(sed -n 4p "$data/postmaster.pid")/postgres"
  exit 0
fi

if [ -n "$asked_port" ]; then
  port=$asked_port
  if listening "$port"; then
    if other=$(holder "$port"); then
      echo "Port $port on 127.0.0.1 is held by $other. Choose another port with" \
        "TEST_POSTGRESQL_PORT, or leave it unset to take a free one." >&2
    else
      echo "Port $port on 127.0.0.1 is taken by a server that is not a test server of this" \
        "project: stop it, choose another port with TEST_POSTGRESQL_PORT, or leave" \
        "TEST_POSTGRESQL_PORT unset to take a free one." >&2
    fi
    exit 1
  fi
else
  port=$(cat "$data/advisor-port" 2>/dev/null || echo 55432)
  first=$port
  while listening "$port"; do
    port=$((port + 1))
    [ "$port" -le 65535 ] || port=55432
    if [ "$port" -eq "$first" ]; then
      echo "No free port on 127.0.0.1 from 55432 up: set TEST_POSTGRESQL_PORT" >&2
      exit 1
    fi
  done
fi

# /tmp is shared: use the folder only if it is the owner's own, never through a link.
if [ -e "$data" ] || [ -L "$data" ]; then
  if [ -L "$data" ] || [ ! -d "$data" ] || [ "$(stat -c %U "$data")" != "$owner" ]; then
    echo "$data is not a folder owned by $owner: remove it, then run scripts/postgres.sh again" >&2
    exit 1
  fi
else
  as_owner mkdir -m 700 "$data"
fi
if [ ! -f "$data/PG_VERSION" ]; then
  as_owner find "$data" -mindepth 1 -delete  # what a failed initdb left
  as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >/dev/null
  printf '%s\n' "$clone" | as_owner tee "$data/advisor-clone" >/dev/null
  printf '%s\n' "$stop_command" | as_owner tee "$data/advisor-stop" >/dev/null
fi
printf '%s\n' "$port" | as_owner tee "$data/advisor-port" >/dev/null
# 9<&- : the server must not keep the start lock.
if ! as_owner "$bin/pg_ctl" -D "$data" -w -t 60 -l "$data/server.log" \
  -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='' -c fsync=off" \
  start >/dev/null 9<&-; then
  echo "PostgreSQL did not start; the end of its log ($data/server.log):" >&2
  as_owner tail -n 20 "$data/server.log" >&2 || true
  exit 1
fi
echo "postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
