"""The database a test runs on: an SQLite file by default, a new PostgreSQL database per test (or
per module) when ``TEST_POSTGRESQL_URL`` names a server.

``TEST_POSTGRESQL_URL`` is a URL with a user allowed to create databases, e.g.
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres`` (``scripts/postgres.sh`` prints one).
"""

from __future__ import annotations

import os
import uuid

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
