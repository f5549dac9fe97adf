#!/usr/bin/env bash
# Rasa's command line (any `rasa` command and option) with the action server's replies validated
# against a schema compiled once: see scripts/rasa_cli.py.
root="$(cd "$(dirname "$0")/.." && pwd)"
exec "$root/.venv-rasa/bin/python" "$root/scripts/rasa_cli.py" "$@"
