#!/usr/bin/env bash
# Start a Redis server on 127.0.0.1 for scale-out (Rasa's lock store, the shared chat rate limit)
# and its tests, under var/redis, and print its URL. `scripts/redis.sh stop` stops it.
# Debian: apt-get install redis-server.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${REDIS_PORT:-56379}"
data="$PWD/var/redis/$port"  # one folder per port: servers on two ports never share a pid file
if ! command -v redis-server >/dev/null; then
  echo "Redis is not installed: apt-get install redis-server (Debian) or set REDIS_URL" >&2
  exit 1
fi
if [ "${1:-start}" = stop ]; then
  redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || true
  exit 0
fi
mkdir -p "$data"
if ! redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1; then
  # Locks and rate-limit counts are short-lived: nothing is saved to disk.
  redis-server --bind 127.0.0.1 --port "$port" --dir "$data" --save "" --appendonly no \
    --protected-mode yes --daemonize yes --logfile "$data/redis.log" --pidfile "$data/redis.pid"
  for _ in $(seq 50); do
    redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
fi
redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null
echo "redis://127.0.0.1:$port/0"
