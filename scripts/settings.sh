# Settings shared by the scripts, each overridable from the environment. The defaults are for
# development on one machine; production must set its own secrets.
export DATABASE_URL="${DATABASE_URL:-sqlite:///$PWD/var/advisor.db}"
export WEB_PORT="${WEB_PORT:-8000}"
export WEB_WORKERS="${WEB_WORKERS:-1}"
export RASA_URL="${RASA_URL:-http://127.0.0.1:${RASA_PORT:-5005}}"
export RASA_PORT="${RASA_PORT:-5005}"
export ACTION_PORT="${ACTION_PORT:-5055}"
export ACTION_ENDPOINT_URL="${ACTION_ENDPOINT_URL:-http://127.0.0.1:$ACTION_PORT/webhook}"
# Rasa's environment reaches PostgreSQL through psycopg2, the default driver of a postgresql:// URL.
export TRACKER_STORE_URL="${TRACKER_STORE_URL:-${DATABASE_URL/postgresql+psycopg:/postgresql:}}"
# Rasa would otherwise try to send telemetry, which this product never does.
export RASA_TELEMETRY_ENABLED=false
export RASA_AUTH_TOKEN="${RASA_AUTH_TOKEN:-development-rasa-token}"
