# Settings shared by the scripts, each overridable from the environment. The defaults are for
# development on one machine; production must set its own secrets.
export DATABASE_URL="${DATABASE_URL:-sqlite:///$PWD/var/advisor.db}"
export WEB_PORT="${WEB_PORT:-8000}"
export WEB_WORKERS="${WEB_WORKERS:-1}"
export RASA_URL="${RASA_URL:-http://127.0.0.1:${RASA_PORT:-5005}}"
export RASA_PORT="${RASA_PORT:-5005}"
export ACTION_PORT="${ACTION_PORT:-5055}"
export ACTION_ENDPOINT_URL="${ACTION_ENDPOINT_URL:-http://127.0.0.1:$ACTION_PORT/webhook}"
# scripts/serve.sh: where the servers write their logs, and how long it waits for each to answer
# (Rasa loads its model in 30-60 s on an idle machine, minutes on a busy one).
export LOG_DIR="${LOG_DIR:-$PWD/var/log}"
export SERVE_TIMEOUT_SECONDS="${SERVE_TIMEOUT_SECONDS:-300}"
# Rasa's environment reaches PostgreSQL through psycopg2, the default driver of a postgresql:// URL.
export TRACKER_STORE_URL="${TRACKER_STORE_URL:-${DATABASE_URL/postgresql+psycopg:/postgresql:}}"
# Rasa would otherwise try to send telemetry, which this product never does.
export RASA_TELEMETRY_ENABLED=false
export RASA_AUTH_TOKEN="${RASA_AUTH_TOKEN:-development-rasa-token}"
# Several Rasa servers behind the web app (comma-separated base URLs); when set, replaces RASA_URL.
# scripts/serve.sh starts RASA_SERVERS of them on RASA_PORT, RASA_PORT+1, ... and sets RASA_URLS.
# Two by default: a Rasa server handles a turn on one core, and two put a two-core machine to work.
export RASA_URLS="${RASA_URLS:-}"
export RASA_SERVERS="${RASA_SERVERS:-2}"
# How the web app spreads conversations over several Rasa servers: conversation (each conversation
# always to the same server) or turns (in turn; needs REDIS_URL).
export RASA_ROUTING="${RASA_ROUTING:-conversation}"
# Redis (redis://host:port/db, see scripts/redis.sh): when set, several Rasa servers share their
# conversation locks in it and several web workers share the chat rate limit in it.
export REDIS_URL="${REDIS_URL:-}"
if [ -n "$REDIS_URL" ]; then
  redis_rest="${REDIS_URL#redis://}"
  redis_address="${redis_rest%%/*}"
  redis_db=0
  if [[ "$redis_rest" == */?* ]]; then redis_db="${redis_rest#*/}"; fi
  export LOCK_STORE_TYPE="${LOCK_STORE_TYPE:-redis}"
  export LOCK_STORE_HOST="${LOCK_STORE_HOST:-${redis_address%:*}}"
  export LOCK_STORE_PORT="${LOCK_STORE_PORT:-${redis_address##*:}}"
  export LOCK_STORE_DB="${LOCK_STORE_DB:-$redis_db}"
else
  unset REDIS_URL  # the web app reads an empty value as a URL
  export LOCK_STORE_TYPE="${LOCK_STORE_TYPE:-in_memory}"
fi
export LOCK_STORE_HOST="${LOCK_STORE_HOST:-127.0.0.1}"
export LOCK_STORE_PORT="${LOCK_STORE_PORT:-6379}"
export LOCK_STORE_DB="${LOCK_STORE_DB:-0}"
