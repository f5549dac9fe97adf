#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter (Rasa 3.6 supports 3.8-3.10 only), or explain how to
# get one and fail.
set -euo pipefail
candidates=("${PYTHON310:-}" python3.10)
if command -v pyenv >/dev/null 2>&1; then
  for version in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.|$)' | sort -rV); do
    candidates+=("$(pyenv root)/versions/$version/bin/python3.10")
  done
fi
candidates+=(/usr/bin/python3.10 /usr/local/bin/python3.10)
for candidate in "${candidates[@]}"; do
  [ -n "$candidate" ] || continue
  if "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1; then
    command -v "$candidate" 2>/dev/null || echo "$candidate"
    exit 0
  fi
done
cat >&2 <<'MSG'
Python 3.10 is needed for the Rasa environment (Rasa 3.6 runs on Python 3.8-3.10) and none was found.
Install it, then run the command again:
  - with pyenv:  pyenv install 3.10        (https://github.com/pyenv/pyenv)
  - with uv:     uv python install 3.10
  - on Debian/Ubuntu: apt-get install python3.10 python3.10-venv (where the release ships it)
Or point PYTHON310 at an interpreter: make run PYTHON310=/path/to/python3.10
MSG
exit 1
