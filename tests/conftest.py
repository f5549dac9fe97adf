"""Settings shared by every test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import settings
from support.databases import empty_database

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
