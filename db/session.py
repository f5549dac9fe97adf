"""Engines and sessions for the project's database.

``DATABASE_URL`` selects the database. The default is an SQLite file under ``var/`` so that a fresh
clone runs without a server; PostgreSQL URLs (``postgresql+psycopg://...``) are fully supported.

``DATABASE_LOCK_TIMEOUT_SECONDS`` (default 5, Python's own SQLite busy timeout) bounds how long a
statement waits for a lock another transaction holds: SQLite's busy timeout, PostgreSQL's
``lock_timeout``. Past it the statement fails (an ``OperationalError``) instead of waiting for as
long as the other transaction lasts, and the web app answers 503 (``bot.errors``).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'var' / 'advisor.db'}"


def database_url(url: str | None = None) -> str:
    """The URL to use: the argument, else ``DATABASE_URL``, else the SQLite file under var/."""
    return url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


#: Seconds a statement waits for another transaction's lock when DATABASE_LOCK_TIMEOUT_SECONDS is
#: unset: the busy timeout Python's sqlite3 uses by default.
DEFAULT_LOCK_TIMEOUT_SECONDS = 5.0


def lock_timeout_seconds() -> float:
    """``DATABASE_LOCK_TIMEOUT_SECONDS``, else the default; refuses what is not a positive number."""
    raw = os.environ.get("DATABASE_LOCK_TIMEOUT_SECONDS", "").strip()
    if not raw:
        return DEFAULT_LOCK_TIMEOUT_SECONDS
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise ValueError(
            f"DATABASE_LOCK_TIMEOUT_SECONDS: {raw!r} is not a number of seconds greater than 0")
    return seconds


def make_engine(url: str | None = None, *, lock_timeout: float | None = None, **kwargs) -> Engine:
    """Create an engine whose statements wait at most ``lock_timeout`` seconds (default:
    :func:`lock_timeout_seconds`) for a lock another transaction holds; for SQLite, also make the
    parent folder and enforce foreign keys."""
    url = database_url(url)
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    seconds = lock_timeout_seconds() if lock_timeout is None else lock_timeout
    connect_args = dict(kwargs.pop("connect_args", {}))
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        connect_args.setdefault("timeout", seconds)
    elif backend == "postgresql":
        # Set at connection start through libpq's options, so no transaction can undo it; options
        # already in the URL are kept.
        options = connect_args.get("options") or make_url(url).query.get("options") or ""
        connect_args["options"] = f"{options} -c lock_timeout={round(seconds * 1000)}".strip()
    engine = create_engine(url, future=True, connect_args=connect_args, **kwargs)
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
