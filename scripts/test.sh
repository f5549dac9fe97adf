#!/usr/bin/env bash
# Everything `make test` checks, in order of cost: lint, Rasa data validation, pytest (unit,
# database, end-to-end), then Rasa's test stories against the trained model.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/settings.sh
mkdir -p artifacts

echo "== ruff"
.venv/bin/python -m ruff check .

if [ -f domain.yml ]; then
  echo "== rasa data validate"
  .venv-rasa/bin/rasa data validate --fail-on-warnings
fi

echo "== pytest (SQLite)"
.venv/bin/python -m pytest "$@"

# The database, demo-seeding, web and hardening tests again on a real PostgreSQL server started
# here, unless one is given (the tests that start Rasa run once, on SQLite).
echo "== pytest (PostgreSQL): database and web tests"
if [ -z "${TEST_POSTGRESQL_URL:-}" ]; then
  TEST_POSTGRESQL_URL=$(scripts/postgres.sh)
  trap 'scripts/postgres.sh stop' EXIT
fi
TEST_POSTGRESQL_URL="$TEST_POSTGRESQL_URL" .venv/bin/python -m pytest \
  tests/db tests/demo tests/bot tests/hardening -m "not browser and not slow"

if [ -d tests/rasa ]; then
  echo "== rasa test (stories)"
  .venv-rasa/bin/rasa test core --model models/advisor.tar.gz --stories tests/rasa \
    --endpoints endpoints.yml --fail-on-prediction-errors --out artifacts/rasa-core
fi
