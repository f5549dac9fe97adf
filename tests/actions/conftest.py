"""Fixtures for the action tests: the real domain, a real SQLite database migrated to the newest
schema, which the actions reach through DATABASE_URL as in production, and a copy of the locale
files that a test may change."""

from __future__ import annotations

import pytest
from support.locale_files import LocaleFolder

from actions import records
from db.migrate import upgrade
from db.session import make_engine


@pytest.fixture
def database(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'advisor.db'}"
    upgrade(url)
    monkeypatch.setenv("DATABASE_URL", url)
    yield make_engine(url)
    records._engine.cache_clear()


@pytest.fixture
def locales(tmp_path, monkeypatch) -> LocaleFolder:
    """A copy of the locale files, which the actions read (through LOCALES_DIR) in this test."""
    folder = LocaleFolder.copy_of_repository(tmp_path)
    monkeypatch.setenv("LOCALES_DIR", str(folder.path))
    return folder
