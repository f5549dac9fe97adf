"""Engines and sessions for the project's database.

``DATABASE_URL`` selects the database. The default is an SQLite file under ``var/`` so that a fresh
clone runs without a server; PostgreSQL URLs (``postgresql+psycopg://...``) are fully supported.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'var' / 'advisor.db'}"


def database_url(url: str | None = None) -> str:
    """The URL to use: the argument, else ``DATABASE_URL``, else the SQLite file under var/."""
    return url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def make_engine(url: str | None = None, **kwargs) -> Engine:
    """Create an engine; for SQLite, make the parent folder and enforce foreign keys."""
    url = database_url(url)
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the web app read while the action server writes; foreign keys are off by default.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def session_scope(engine: Engine):
    """A transaction on ``engine``: committed when the block ends, rolled back whole if it raises."""
    return transaction(session_factory(engine))


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session from ``factory``, committed when the block ends, rolled back whole if it raises."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
