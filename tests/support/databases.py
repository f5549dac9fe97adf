"""The database a test runs on: an SQLite file by default, a new PostgreSQL database per test (or
per module) when ``TEST_POSTGRESQL_URL`` names a server.

``TEST_POSTGRESQL_URL`` is a URL with a user allowed to create databases, e.g.
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres`` (``scripts/postgres.sh`` prints one).
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa

#: A PostgreSQL server to run the tests on as well; None runs them on SQLite only.
POSTGRESQL_URL = os.environ.get("TEST_POSTGRESQL_URL")


def fresh_postgresql_database(template: str | None = None) -> str:
    """Create a PostgreSQL database (a copy of ``template`` if given); return its URL."""
    server = sa.make_url(POSTGRESQL_URL)
    name = f"bot_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        copy = f' TEMPLATE "{sa.make_url(template).database}"' if template else ""
        connection.execute(sa.text(f'CREATE DATABASE "{name}"{copy}'))
    admin.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def drop_postgresql_database(url: str) -> None:
    """Drop a database made by ``fresh_postgresql_database``, closing any connection left on it."""
    admin = sa.create_engine(POSTGRESQL_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE "{sa.make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


@contextlib.contextmanager
def empty_database(folder: Path, name: str = "advisor.db") -> Iterator[str]:
    """The URL of a new, empty database: the SQLite file ``folder/name``, or a new PostgreSQL
    database, dropped afterwards, when ``TEST_POSTGRESQL_URL`` is set."""
    if not POSTGRESQL_URL:
        yield f"sqlite:///{folder / name}"
        return
    url = fresh_postgresql_database()
    try:
        yield url
    finally:
        drop_postgresql_database(url)
