"""Fixtures for the action tests: the real domain, a real SQLite database migrated to the newest
schema, which the actions reach through DATABASE_URL as in production, and a copy of the locale
files that a test may change."""

from __future__ import annotations

import pytest
from support.locale_files import LocaleFolder

from actions import market as market_setting
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


@pytest.fixture
def in_market(monkeypatch):
    """Set MARKET for one test (None: unset); the action server reads it once, so the reading is
    cleared before and after."""
    def set_market(value: str | None) -> None:
        if value is None:
            monkeypatch.delenv("MARKET", raising=False)
        else:
            monkeypatch.setenv("MARKET", value)
        market_setting.market.cache_clear()
    yield set_market
    market_setting.market.cache_clear()
