"""Settings and fixtures shared by every test folder."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import settings
from support.databases import empty_database

from harness.advisor import MODEL, running_advisor

ROOT = Path(__file__).resolve().parents[1]

# In CI (CI=true) property tests draw the same examples every run, so a result there can be
# reproduced exactly; locally they keep exploring new examples.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture
def database_url(tmp_path) -> Iterator[str]:
    """An empty database for one test: an SQLite file, or a new PostgreSQL database when
    TEST_POSTGRESQL_URL is set (the PostgreSQL pass of scripts/test.sh). Folders with a database
    of their own (tests/bot, tests/hardening) override it."""
    with empty_database(tmp_path) as url:
        yield url


@pytest.fixture(scope="session")
def domain() -> dict:
    """The domain, as Rasa sends it to the action server."""
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """models/advisor.tar.gz for the current config.yml, domain and data/: scripts/train_model.sh
    trains only when one of them changed since the last training."""
    subprocess.run([str(ROOT / "scripts" / "train_model.sh")], cwd=ROOT, check=False)
    assert MODEL.exists(), "no trained model: run scripts/train_model.sh"
    return MODEL


@pytest.fixture(scope="module")
def advisor(trained_model, tmp_path_factory):
    """The Rasa server and the action server on the trained model, with a fresh database; one
    pair for each test module that asks, as they take 30-60 s to start."""
    with running_advisor(tmp_path_factory.mktemp("advisor")) as running:
        yield running
