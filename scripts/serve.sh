#!/usr/bin/env bash
# Start the action server, the Rasa server and the web app on 127.0.0.1, wait until each answers,
# print where to reach them, and stop them all on Ctrl-C.
# While waiting it prints one line per server. A server that exits, or does not answer within
# SERVE_TIMEOUT_SECONDS, is named with the end of its log; the others are stopped and the script
# exits with status 1. The servers' output goes to LOG_DIR (var/log/).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/settings.sh

model=models/advisor.tar.gz
if [ ! -f "$model" ]; then
  echo "The Rasa server cannot start: there is no trained model at $model." >&2
  echo "make run trains it (or run scripts/train_model.sh)." >&2
  exit 1
fi
# RASA_SERVERS Rasa servers on RASA_PORT, RASA_PORT+1, ...; they share the tracker store. The web
# app sends each conversation to one of them (RASA_ROUTING=conversation), so each keeps its own
# conversation locks; taking them in turn (RASA_ROUTING=turns) needs the locks in Redis (REDIS_URL).
if [ "$RASA_SERVERS" -gt 1 ] && [ "$RASA_ROUTING" = turns ] && [ "$LOCK_STORE_TYPE" != redis ]; then
  echo "RASA_ROUTING=turns with RASA_SERVERS=$RASA_SERVERS needs REDIS_URL: servers taking turns" \
    "on one conversation must share its lock" >&2
  exit 1
fi

mkdir -p "$LOG_DIR"
names=() addresses=() logs=() pids=()

start() {  # name port log command...: start a server in the background, its output to log
  names+=("$1") addresses+=("127.0.0.1:$2") logs+=("$3")
  shift 3
  # A session (and process group) of its own: stopping the group reaches every worker the
  # server forks (Sanic's, uvicorn's), and a Ctrl-C meant for this script is handled once, here.
  setsid "$@" >"${logs[-1]}" 2>&1 &
  pids+=($!)
}

stop() {  # ask every server to shut down; kill what is left after 30 s
  trap '' INT TERM HUP  # a second Ctrl-C must not leave servers behind
  trap - EXIT
  [ "${#pids[@]}" -gt 0 ] || return 0
  echo "stopping the servers ..."
  local pid deadline=$((SECONDS + 30))
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    while kill -0 -- "-$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

waiting=  # index of the server whose "waiting for" line is open
fail() {  # index reason: name the server and show the end of its log, then exit (stopping all)
  if [ "$waiting" = "$1" ]; then echo "failed"; elif [ -n "$waiting" ]; then echo; fi
  {
    echo "${names[$1]^} on ${addresses[$1]} $2. The end of its log, ${logs[$1]}:"
    tail -n 25 "${logs[$1]}" | sed 's/^/    /'
  } >&2
  exit 1
}

check_running() {  # fail naming the first server that is no longer running
  local i status=0
  for i in "${!pids[@]}"; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      wait "${pids[$i]}" || status=$?
      fail "$i" "exited with status $status before the advisor was ready"
    fi
  done
}

wait_ready() {  # index url [curl options]: wait until the server answers url with a 2xx status
  local i=$1 url=$2 code=000
  shift 2
  local deadline=$((SECONDS + SERVE_TIMEOUT_SECONDS))
  printf 'waiting for %s on %s ... ' "${names[$i]}" "${addresses[$i]}"
  waiting=$i
  while :; do
    check_running
    # Quiet: a refused connection is the expected answer until the server is up.
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" "$url" || true)
    if [[ "$code" == 2?? ]] && kill -0 "${pids[$i]}" 2>/dev/null; then break; fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      local answer="no answer"
      [ "$code" = 000 ] || answer="last answer HTTP $code"
      fail "$i" "did not answer within $SERVE_TIMEOUT_SECONDS s ($answer)"
    fi
    sleep 1
  done
  echo "ready"
  waiting=
}

start "the action server" "$ACTION_PORT" "$LOG_DIR/actions.log" \
  env SANIC_HOST=127.0.0.1 .venv/bin/python -m rasa_sdk --actions actions --port "$ACTION_PORT"
rasa_urls=()
for i in $(seq 0 $((RASA_SERVERS - 1))); do
  port=$((RASA_PORT + i))
  start "the Rasa server" "$port" "$LOG_DIR/rasa-$port.log" \
    scripts/rasa.sh run --model "$model" --enable-api --interface 127.0.0.1 \
    --port "$port" --auth-token "$RASA_AUTH_TOKEN" --endpoints endpoints.yml \
    --credentials credentials.yml
  rasa_urls+=("http://127.0.0.1:$port")
done
if [ "$RASA_SERVERS" -gt 1 ]; then
  RASA_URLS=$(IFS=,; echo "${rasa_urls[*]}")
  export RASA_URLS
fi
start "the web app" "$WEB_PORT" "$LOG_DIR/web.log" \
  .venv/bin/python -m uvicorn bot.app:app --host 127.0.0.1 --port "$WEB_PORT" \
  --workers "$WEB_WORKERS"

wait_ready 0 "http://127.0.0.1:$ACTION_PORT/health"
web=$((${#pids[@]} - 1))
wait_ready "$web" "http://127.0.0.1:$WEB_PORT/"
for i in "${!rasa_urls[@]}"; do
  # /status answers once the model is loaded (the token goes in the query, not on the screen).
  wait_ready $((i + 1)) "${rasa_urls[$i]}/status" --get --data-urlencode "token=$RASA_AUTH_TOKEN"
done
cat <<MSG

The advisor is running (Ctrl-C stops it):
  Website and chat   http://localhost:$WEB_PORT/
  Staff console      http://localhost:$WEB_PORT/staff
  API documentation  http://localhost:$WEB_PORT/docs
  Rasa servers       ${rasa_urls[*]}  (token in RASA_AUTH_TOKEN)
  Action server      http://127.0.0.1:$ACTION_PORT/health
The demo accounts are printed above. Logs are in $LOG_DIR/.
MSG

# Until Ctrl-C, or until a server stops by itself: then say which, and stop the others. A short
# sleep in a loop rather than `wait -n`: a Ctrl-C that comes just before `wait -n` starts waiting
# can be held until a server ends, which may be never; after `sleep` the trap runs at once.
while :; do
  for i in "${!pids[@]}"; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      status=0
      wait "${pids[$i]}" || status=$?
      fail "$i" "stopped with status $status"
    fi
  done
  sleep 0.5
done
