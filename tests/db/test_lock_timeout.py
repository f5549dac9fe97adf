"""DATABASE_LOCK_TIMEOUT_SECONDS bounds how long a statement waits for another transaction's lock,
on SQLite (its busy timeout) and on PostgreSQL (lock_timeout) alike."""

from __future__ import annotations

import sqlite3
import time
from datetime import datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from bot.errors import database_busy
from db.migrate import upgrade
from db.models import Client
from db.session import DEFAULT_LOCK_TIMEOUT_SECONDS, lock_timeout_seconds, make_engine


@pytest.mark.parametrize("value", ["soon", "0", "-1", "nan", "inf"])
def test_a_lock_timeout_that_is_not_a_positive_number_is_refused(monkeypatch, value):
    monkeypatch.setenv("DATABASE_LOCK_TIMEOUT_SECONDS", value)
    with pytest.raises(ValueError, match=f"DATABASE_LOCK_TIMEOUT_SECONDS: '{value}' is not"):
        make_engine("sqlite://")


def test_the_lock_timeout_defaults_to_five_seconds(monkeypatch):
    monkeypatch.delenv("DATABASE_LOCK_TIMEOUT_SECONDS", raising=False)
    assert lock_timeout_seconds() == DEFAULT_LOCK_TIMEOUT_SECONDS == 5.0
    monkeypatch.setenv("DATABASE_LOCK_TIMEOUT_SECONDS", "1.5")
    assert lock_timeout_seconds() == 1.5


def test_a_write_on_a_locked_table_fails_after_the_lock_timeout(database_url, monkeypatch):
    upgrade(database_url)
    monkeypatch.setenv("DATABASE_LOCK_TIMEOUT_SECONDS", "0.5")
    engine = make_engine(database_url)
    row = {"id": 1, "name": "Ada", "created_at": datetime(2024, 1, 1), "segment": "retail",
           "aum": 1.0, "products": "", "do_not_contact": False}
    if engine.dialect.name == "sqlite":
        blocker = sqlite3.connect(engine.url.database, isolation_level=None)
        blocker.execute("BEGIN EXCLUSIVE")
        release = lambda: (blocker.execute("ROLLBACK"), blocker.close())  # noqa: E731
    else:
        blocker = sa.create_engine(database_url).connect()
        blocker.execute(sa.text("LOCK TABLE clients IN ACCESS EXCLUSIVE MODE"))
        release = lambda: (blocker.rollback(), blocker.close(), blocker.engine.dispose())  # noqa: E731
    started = time.monotonic()
    try:
        with pytest.raises(OperationalError) as failed, engine.begin() as connection:
            connection.execute(sa.insert(Client), row)
        waited = time.monotonic() - started
    finally:
        release()
    assert database_busy(failed.value), failed.value
    # It waited for the lock (at least the timeout), then gave up long before a default wait.
    assert 0.45 <= waited < DEFAULT_LOCK_TIMEOUT_SECONDS, waited
    with engine.begin() as connection:
        connection.execute(sa.insert(Client), row)
        assert connection.execute(sa.select(sa.func.count()).select_from(Client)).scalar() == 1
    engine.dispose()
