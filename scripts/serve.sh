#!/usr/bin/env bash
# Start the action server, the Rasa server and the web app on 127.0.0.1, wait until each answers,
# print where to reach them, and stop them all on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/settings.sh

mkdir -p var/log
pids=()
stop() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap stop EXIT INT TERM

wait_for() {  # url name seconds
  for _ in $(seq "$3"); do
    if curl -fsS -o /dev/null "$1"; then return 0; fi
    sleep 1
  done
  echo "$2 did not start within $3 s; see var/log/" >&2
  exit 1
}

SANIC_HOST=127.0.0.1 .venv/bin/python -m rasa_sdk --actions actions --port "$ACTION_PORT" \
  >var/log/actions.log 2>&1 &
pids+=($!)
# RASA_SERVERS Rasa servers on RASA_PORT, RASA_PORT+1, ...; several share the tracker store and
# need Redis for their conversation locks (REDIS_URL, see scripts/redis.sh).
if [ "$RASA_SERVERS" -gt 1 ] && [ "$LOCK_STORE_TYPE" != redis ]; then
  echo "RASA_SERVERS=$RASA_SERVERS needs REDIS_URL: the servers must share conversation locks" >&2
  exit 1
fi
rasa_urls=()
for i in $(seq 0 $((RASA_SERVERS - 1))); do
  port=$((RASA_PORT + i))
  scripts/rasa.sh run --model models/advisor.tar.gz --enable-api --interface 127.0.0.1 \
    --port "$port" --auth-token "$RASA_AUTH_TOKEN" --endpoints endpoints.yml \
    --credentials credentials.yml >"var/log/rasa-$port.log" 2>&1 &
  pids+=($!)
  rasa_urls+=("http://127.0.0.1:$port")
done
if [ "$RASA_SERVERS" -gt 1 ]; then
  RASA_URLS=$(IFS=,; echo "${rasa_urls[*]}")
  export RASA_URLS
fi

.venv/bin/python -m uvicorn bot.app:app --host 127.0.0.1 --port "$WEB_PORT" \
  --workers "$WEB_WORKERS" >var/log/web.log 2>&1 &
pids+=($!)

wait_for "http://127.0.0.1:$ACTION_PORT/health" "The action server" 60
wait_for "http://127.0.0.1:$WEB_PORT/" "The web app" 60
for url in "${rasa_urls[@]}"; do wait_for "$url/" "The Rasa server $url" 180; done
cat <<MSG

The advisor is running (Ctrl-C stops it):
  Website and chat   http://localhost:$WEB_PORT/
  Staff console      http://localhost:$WEB_PORT/staff
  API documentation  http://localhost:$WEB_PORT/docs
  Rasa server        http://127.0.0.1:$RASA_PORT/  (token in RASA_AUTH_TOKEN)
  Action server      http://127.0.0.1:$ACTION_PORT/health
The demo accounts are printed above. Logs are in var/log/.
MSG
wait -n
