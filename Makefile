# The two commands are `make run` and `make test`; everything else here is what they are made of.
# Each step is idempotent: environments are rebuilt only when their lock files change, the Rasa model
# only when its training data or config change, and migrations only apply what is missing.

SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := $(HOME)/.local/bin/uv
endif
APP_PY := .venv/bin/python
RASA := .venv-rasa/bin/rasa

.PHONY: help run test setup envs model database public-data lint lock clean

help:
	@echo "make run    set up, train when needed, prepare the database and serve"
	@echo "make test   set up the same way, then lint and run every test"
	@echo "make lock   re-resolve requirements/*.lock after changing dependencies"
	@echo "make clean  remove environments, models, var/ (databases) and the test PostgreSQL cluster"

run: setup
	@scripts/serve.sh

test: setup
	@scripts/test.sh

setup: envs model database public-data

envs: .venv/.installed .venv-rasa/.installed

$(UV):
	python3 -m pip install --quiet --user "uv==$(UV_VERSION)"

.venv/.installed: requirements/app.lock pyproject.toml | $(UV)
	$(UV) venv --quiet --seed --allow-existing --python "$$(command -v python3)" .venv
	$(UV) pip sync --quiet --python $(APP_PY) requirements/app.lock
	$(UV) pip install --quiet --python $(APP_PY) --no-deps -e .
	@touch $@

.venv-rasa/.installed: requirements/rasa.lock | $(UV)
	@py310=$$(scripts/python310.sh) || exit 1; \
	$(UV) venv --quiet --allow-existing --python "$$py310" .venv-rasa
	$(UV) pip sync --quiet --python .venv-rasa/bin/python requirements/rasa.lock
	@touch $@

model: .venv-rasa/.installed
	@scripts/train_model.sh

database: .venv/.installed
	@$(APP_PY) -m demo

# The public data sets of the tests and benchmarks (bench/public_data.py): downloaded once, checked
# against their pinned SHA-256; tests only read the cache.
public-data: .venv/.installed
	@$(APP_PY) -m bench.public_data

lint: .venv/.installed
	$(APP_PY) -m ruff check .

lock: | $(UV)
	$(UV) pip compile --quiet pyproject.toml --extra dev --extra spark --python-version 3.11 -o requirements/app.lock
	$(UV) pip compile --quiet --python "$$(scripts/python310.sh)" --python-version 3.10 requirements/rasa.in -o requirements/rasa.lock

clean:
	-@scripts/postgres.sh remove
	rm -rf .venv .venv-rasa models var/*.db var/*.db-* var/run artifacts .pytest_cache .ruff_cache
